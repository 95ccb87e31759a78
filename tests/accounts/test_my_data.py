"""My data: the profile page, the JSON export and deleting the account."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from partners import actions
from partners.models import Affiliation, ReferentInvitation
from services.models import SavedService, ServiceRequest
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def service(org_b):
    return factories.make_service(org_b, title="Centro estivo Beta")


@pytest.fixture
def request_of_employee_a(service, employee_a, org_a, referent_b):
    return ServiceRequest.objects.create(
        service=service,
        requester=employee_a,
        requester_organization=org_a,
        message="Vorrei iscrivere mia figlia, 7 anni.",
        status=ServiceRequest.Status.ACCEPTED,
        answer="Iscrizione confermata.",
        answered_by=referent_b,
        answered_at=timezone.now(),
    )


# --- Profile -------------------------------------------------------------------------------


def test_the_profile_shows_affiliations_and_requests(client, employee_a, org_b):
    actions.affiliation_request(organization=org_b, actor=employee_a)
    client.force_login(employee_a)
    html = client.get("/en/account/profilo/").content.decode()
    assert "Organizzazione Alfa" in html
    assert "Organizzazione Beta" in html
    assert "Awaiting approval" in html
    assert "alice@alfa.example" in html


def test_the_profile_needs_a_login(client):
    response = client.get("/account/profilo/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_the_profile_is_not_cached_by_shared_caches(client, employee_a):
    client.force_login(employee_a)
    response = client.get("/account/profilo/")
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("how_many", [1, 30])
def test_the_profile_costs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, how_many
):
    user = factories.make_user("molti@example.org")
    for n in range(how_many):
        organization = factories.make_organization()
        factories.affiliate(
            user,
            organization,
            status=[Affiliation.Status.ACTIVE, Affiliation.Status.ENDED][n % 2],
        )
        EmailAddress.objects.create(user=user, email=f"m{n}@example.net", verified=True)
    client.force_login(user)
    # 9: the person's language is one more.
    # + the open needs survey (one query).
    with django_assert_max_num_queries(10):
        assert client.get("/account/profilo/").status_code == 200


# --- Export --------------------------------------------------------------------------------


def test_export_is_a_json_download_of_everything_about_me(
    client, employee_a, service, request_of_employee_a
):
    SavedService.objects.create(user=employee_a, service=service)
    client.force_login(employee_a)

    response = client.post("/account/dati/esporta/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(response.content)
    assert data["user"]["email"] == "alice@alfa.example"
    assert "password" not in data["user"]
    assert "password" not in response.content.decode()
    assert data["email_addresses"] == [
        {"email": "alice@alfa.example", "verified": True, "primary": True}
    ]
    assert [a["organization"] for a in data["affiliations"]] == ["Organizzazione Alfa"]
    assert data["affiliations"][0]["status"] == "active"
    assert data["service_requests"][0]["service"] == "Centro estivo Beta"
    assert data["service_requests"][0]["message"] == "Vorrei iscrivere mia figlia, 7 anni."
    assert data["service_requests"][0]["answer"] == "Iscrizione confermata."
    assert [s["service"] for s in data["saved_services"]] == ["Centro estivo Beta"]


def test_export_holds_nothing_about_other_people(client, employee_a, employee_b):
    client.force_login(employee_a)
    content = client.post("/account/dati/esporta/").content.decode()
    assert "bob@beta.example" not in content
    assert "Organizzazione Beta" not in content


def test_export_is_post_only(client, employee_a):
    client.force_login(employee_a)
    assert client.get("/account/dati/esporta/").status_code == 405


def test_export_needs_a_login(client):
    response = client.post("/account/dati/esporta/")
    assert response.status_code == 302


# --- Delete --------------------------------------------------------------------------------


def test_the_delete_page_asks_for_the_password(client, employee_a):
    client.force_login(employee_a)
    html = client.get("/en/account/elimina/").content.decode()
    assert 'type="password"' in html
    assert User.objects.filter(pk=employee_a.pk).exists()


def test_a_wrong_password_deletes_nothing(client, employee_a, request_of_employee_a):
    client.force_login(employee_a)
    response = client.post("/en/account/elimina/", {"password": "sbagliata"})
    assert response.status_code == 200
    assert "The password is not correct" in response.content.decode()
    assert User.objects.filter(pk=employee_a.pk).exists()
    assert Affiliation.objects.filter(user=employee_a).exists()
    request_of_employee_a.refresh_from_db()
    assert request_of_employee_a.requester == employee_a


def test_an_empty_password_deletes_nothing(client, employee_a):
    client.force_login(employee_a)
    response = client.post("/en/account/elimina/", {})
    assert response.status_code == 200
    assert User.objects.filter(pk=employee_a.pk).exists()


def test_the_right_password_deletes_the_person_and_keeps_their_requests_anonymous(
    client, employee_a, service, request_of_employee_a
):
    SavedService.objects.create(user=employee_a, service=service)
    client.force_login(employee_a)

    response = client.post("/account/elimina/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not User.objects.filter(pk=employee_a.pk).exists()
    assert not EmailAddress.objects.filter(email="alice@alfa.example").exists()
    assert not Affiliation.objects.filter(user_id=employee_a.pk).exists()
    assert not SavedService.objects.exists()
    request_of_employee_a.refresh_from_db()
    assert request_of_employee_a.requester is None
    assert request_of_employee_a.message == "Vorrei iscrivere mia figlia, 7 anni."
    assert request_of_employee_a.requester_organization is not None
    assert "_auth_user_id" not in client.session


def test_deleting_the_referent_who_answered_keeps_the_answer(
    client, referent_b, request_of_employee_a
):
    client.force_login(referent_b)
    client.post("/account/elimina/", {"password": PASSWORD})
    request_of_employee_a.refresh_from_db()
    assert request_of_employee_a.answered_by is None
    assert request_of_employee_a.answer == "Iscrizione confermata."


def test_deleting_the_referent_who_approved_keeps_the_affiliation(client, referent_a, org_a):
    person = factories.make_user("giulia@gmail.example")
    pending = actions.affiliation_request(organization=org_a, actor=person)
    actions.affiliation_approve(affiliation=pending, actor=referent_a)
    client.force_login(referent_a)
    client.post("/account/elimina/", {"password": PASSWORD})
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.ACTIVE
    assert pending.verified_by is None


def test_deleting_removes_invitations_addressed_to_me(client, coordinator, org_a):
    user = factories.make_user("invitata@example.org")
    actions.referent_invite(organization=org_a, email=user.email, actor=coordinator)
    client.force_login(user)
    client.post("/account/elimina/", {"password": PASSWORD})
    assert not ReferentInvitation.objects.exists()


def test_guessing_the_password_is_rate_limited(client, employee_a):
    client.force_login(employee_a)
    for _ in range(10):
        client.post("/en/account/elimina/", {"password": "sbagliata"})
    response = client.post("/en/account/elimina/", {"password": PASSWORD})
    assert response.status_code == 200
    assert "Too many attempts" in response.content.decode()
    assert User.objects.filter(pk=employee_a.pk).exists()


def test_only_the_holder_can_delete_an_account(employee_a, employee_b):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.user_delete(user=employee_a, actor=employee_b)
    assert User.objects.filter(pk=employee_a.pk).exists()
