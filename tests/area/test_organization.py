"""The organisation's public profile and the choice of organisation for referents of several."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from partners.access import SESSION_KEY
from partners.models import Affiliation
from tests.area.helpers import en


@pytest.fixture
def client_a(client, referent_a):
    client.force_login(referent_a)
    return client


PROFILE = {
    "description": "Fondazione di ricerca con sede a Povo.",
    "website": "https://www.alfa.example",
    "contact_email": "welfare@alfa.example",
    "contact_phone": "+39 0461 314111",
    "address": "Via Sommarive 18, Trento",
    "area": "Povo",
}


def test_a_referent_edits_the_public_profile(client_a, org_a):
    response = client_a.post(reverse("area:organization-edit"), PROFILE)
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.description == PROFILE["description"]
    assert org_a.website == PROFILE["website"]
    assert org_a.contact_phone == "+39 0461 314111"
    assert LogEntry.objects.filter(object_id=str(org_a.pk)).exists()


def test_the_profile_form_cannot_change_the_name_or_the_membership(client_a, org_a):
    data = {**PROFILE, "name": "Altro nome", "membership_status": "withdrawn", "slug": "x"}
    client_a.post(reverse("area:organization-edit"), data)
    org_a.refresh_from_db()
    assert org_a.name == "Organizzazione Alfa"
    assert org_a.membership_status == "active"
    assert org_a.slug == "alfa"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("website", "javascript:alert(1)"),
        ("website", "non è un indirizzo"),
        ("contact_email", "info-at-alfa"),
        ("contact_phone", "chiamami"),
        ("contact_phone", "12"),
    ],
)
def test_invalid_profiles_are_refused(client_a, org_a, field, value):
    response = client_a.post(en("area:organization-edit"), {**PROFILE, field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'id="form-errors"' in response.content.decode()
    org_a.refresh_from_db()
    assert org_a.description == ""


def test_a_referent_of_one_organisation_works_for_it_without_choosing(client_a, org_a):
    response = client_a.get(reverse("area:dashboard"))
    assert response.wsgi_request.organization == org_a


def test_a_referent_of_two_organisations_is_asked_to_choose(client, referent_ab, org_b):
    client.force_login(referent_ab)
    response = client.get(reverse("area:service-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("area:organization-switch"))
    chooser = client.get(response["Location"])
    assert chooser.status_code == 200
    response = client.post(
        reverse("area:organization-switch"),
        {"organization": org_b.pk, "next": reverse("area:service-list")},
    )
    assert response["Location"] == reverse("area:service-list")
    assert client.session[SESSION_KEY] == org_b.pk
    assert client.get(reverse("area:dashboard")).wsgi_request.organization == org_b


def test_an_organisation_the_user_is_not_referent_of_cannot_be_chosen(client_a, org_a, org_b):
    response = client_a.post(reverse("area:organization-switch"), {"organization": org_b.pk})
    assert response.status_code == 400
    assert SESSION_KEY not in client_a.session
    assert client_a.get(reverse("area:dashboard")).wsgi_request.organization == org_a


@pytest.mark.parametrize("value", ["", "abc", "999999", "1 OR 1=1"])
def test_bad_choices_are_refused_without_error(client, referent_ab, value):
    client.force_login(referent_ab)
    response = client.post(reverse("area:organization-switch"), {"organization": value})
    assert response.status_code == 400


def test_the_choice_is_checked_again_on_every_request(client, referent_ab, org_a, org_b):
    client.force_login(referent_ab)
    client.post(reverse("area:organization-switch"), {"organization": org_b.pk})
    Affiliation.objects.filter(user=referent_ab, organization=org_b).update(
        status=Affiliation.Status.ENDED
    )
    response = client.get(reverse("area:dashboard"))
    # Only A is left: the stale choice is dropped and A is used.
    assert response.wsgi_request.organization == org_a
    assert SESSION_KEY not in client.session


def test_a_forged_session_value_is_not_trusted(client, referent_a, org_a, org_b):
    client.force_login(referent_a)
    session = client.session
    session[SESSION_KEY] = org_b.pk
    session.save()
    response = client.get(reverse("area:dashboard"))
    assert response.wsgi_request.organization == org_a


def test_the_chooser_only_redirects_to_local_pages(client, referent_ab, org_a):
    client.force_login(referent_ab)
    response = client.post(
        reverse("area:organization-switch"),
        {"organization": org_a.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("area:dashboard")


@pytest.mark.parametrize("role", ["unaffiliated", "employee_a", "coordinator"])
def test_the_chooser_is_for_referents_only(as_role, role):
    assert as_role(role).get(reverse("area:organization-switch")).status_code == 403


def test_the_chooser_sends_visitors_to_login(client, db):
    response = client.get(reverse("area:organization-switch"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_area_shows_the_switch_link_to_referents_of_two(client, referent_ab, org_a):
    client.force_login(referent_ab)
    client.post(reverse("area:organization-switch"), {"organization": org_a.pk})
    content = client.get(reverse("area:dashboard")).content.decode()
    assert reverse("area:organization-switch") in content
