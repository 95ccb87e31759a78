"""Every URL of the partner area × every role.

Anonymous -> login; people who are not referents (the coordinator included) -> 403;
the referent of A -> A's objects; the referent of B on A's objects -> 404 (never 403,
nobody learns that they exist). The matrix is checked against the URL conf, so a new
view without an entry here fails.
"""

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from partners.models import Affiliation
from services.models import ServiceRequest
from tests import factories
from tests.area.helpers import en, pending_affiliation

GET_VIEWS = {
    # name: whether it works on one of A's objects (so B's referent gets 404)
    "dashboard": False,
    "organization-edit": False,
    "service-list": False,
    "service-create": False,
    "service-edit": True,
    "service-preview": True,
    "request-list": False,
    "request-answer": True,
    "member-list": False,
    "balance": False,
}
POST_VIEWS = [
    "service-publish",
    "service-archive",
    "service-duplicate",
    "service-confirm",
    "member-promote",
    "member-demote",
    "member-reapprove",
    "affiliation-approve",
    "affiliation-reject",
]
# Outside the matrix, tested in test_organization.py: open to any referent whatever the session.
OTHER_VIEWS = ["organization-switch"]

NOT_REFERENTS = ["unaffiliated", "employee_a", "employee_b"]


@pytest.fixture
def objects(org_a, draft_a, employee_a, referent_a):
    service_request = ServiceRequest.objects.create(
        service=draft_a, requester=employee_a, requester_organization=org_a
    )
    # A second referent, so that demoting one is allowed.
    second = factories.make_user("franco@alfa.example")
    second_affiliation = factories.affiliate(second, org_a, role=Affiliation.Role.REFERENT)
    return {
        "service": draft_a,
        "request": service_request,
        "employee": Affiliation.objects.get(user=employee_a, organization=org_a),
        "referent": second_affiliation,
        "pending": pending_affiliation(org_a),
        # Approved by a referent and asked this year's confirmation.
        "to_confirm": factories.affiliate(
            factories.make_user("luca@example.net"),
            org_a,
            verified_via=Affiliation.VerifiedVia.REFERENT_APPROVAL,
            reconfirm_requested_at=timezone.now(),
        ),
    }


def url_for(name, objects):
    if name.startswith("service-") and name not in {"service-list", "service-create"}:
        return reverse(f"area:{name}", kwargs={"slug": objects["service"].slug})
    if name == "request-answer":
        return reverse("area:request-answer", kwargs={"pk": objects["request"].pk})
    if name == "member-promote":
        return reverse("area:member-promote", kwargs={"pk": objects["employee"].pk})
    if name == "member-demote":
        return reverse("area:member-demote", kwargs={"pk": objects["referent"].pk})
    if name == "member-reapprove":
        return reverse("area:member-reapprove", kwargs={"pk": objects["to_confirm"].pk})
    if name.startswith("affiliation-"):
        return reverse(f"area:{name}", kwargs={"pk": objects["pending"].pk})
    return reverse(f"area:{name}")


def test_the_matrix_covers_every_url_of_the_area():
    resolver = get_resolver()
    area_names = {
        name for name in resolver.namespace_dict["area"][1].reverse_dict if isinstance(name, str)
    }
    assert area_names == set(GET_VIEWS) | set(POST_VIEWS) | set(OTHER_VIEWS)


@pytest.mark.parametrize("name", [*GET_VIEWS, *POST_VIEWS])
def test_anonymous_visitors_are_sent_to_the_login_page(client, objects, name):
    url = url_for(name, objects)
    response = client.post(url) if name in POST_VIEWS else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", NOT_REFERENTS)
@pytest.mark.parametrize("name", [*GET_VIEWS, *POST_VIEWS])
def test_people_who_are_not_referents_are_refused(as_role, objects, role, name):
    client = as_role(role)
    url = url_for(name, objects)
    response = client.post(url) if name in POST_VIEWS else client.get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("name", [*GET_VIEWS, *POST_VIEWS])
def test_the_coordinator_works_from_the_back_office_but_may_preview(as_role, objects, name):
    client = as_role("coordinator")
    url = url_for(name, objects)
    response = client.post(url) if name in POST_VIEWS else client.get(url)
    assert response.status_code == (200 if name == "service-preview" else 403)


@pytest.mark.parametrize("name", GET_VIEWS)
def test_the_referent_of_a_sees_the_pages_of_a(as_role, objects, name):
    response = as_role("referent_a").get(url_for(name, objects))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


@pytest.mark.parametrize("name", [name for name, on_object in GET_VIEWS.items() if on_object])
def test_the_referent_of_b_gets_404_on_the_objects_of_a(as_role, objects, name):
    response = as_role("referent_b").get(url_for(name, objects))
    assert response.status_code == 404


@pytest.mark.parametrize("name", POST_VIEWS)
def test_the_referent_of_b_cannot_change_anything_of_a(as_role, objects, name):
    response = as_role("referent_b").post(url_for(name, objects))
    assert response.status_code == 404
    objects["service"].refresh_from_db()
    assert objects["service"].status == "draft"
    assert not objects["service"].provider.services.exclude(pk=objects["service"].pk).exists()
    assert Affiliation.objects.get(pk=objects["employee"].pk).role == "employee"
    assert Affiliation.objects.get(pk=objects["referent"].pk).role == "referent"
    assert Affiliation.objects.get(pk=objects["pending"].pk).status == "pending"
    assert Affiliation.objects.get(pk=objects["to_confirm"].pk).reconfirm_requested_at


@pytest.mark.parametrize("name", POST_VIEWS)
def test_the_referent_of_a_can_post(as_role, objects, name):
    response = as_role("referent_a").post(url_for(name, objects))
    assert response.status_code == 302
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("name", POST_VIEWS)
def test_state_changing_views_refuse_get(as_role, objects, name):
    response = as_role("referent_a").get(url_for(name, objects))
    assert response.status_code == 405


@pytest.mark.parametrize("name", POST_VIEWS)
def test_state_changing_views_need_the_csrf_token(objects, referent_a, name):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(referent_a)
    response = client.post(url_for(name, objects))
    assert response.status_code == 403
    objects["service"].refresh_from_db()
    assert objects["service"].status == "draft"
    assert Affiliation.objects.get(pk=objects["pending"].pk).status == "pending"


def test_a_referent_who_lost_the_role_is_refused_at_once(as_role, objects, referent_a, org_a):
    client = as_role("referent_a")
    assert client.get(reverse("area:dashboard")).status_code == 200
    Affiliation.objects.filter(user=referent_a, organization=org_a).update(role="employee")
    assert client.get(reverse("area:dashboard")).status_code == 403
    assert client.get(url_for("service-edit", objects)).status_code == 403


def test_the_referent_of_a_withdrawn_organisation_is_refused(as_role, objects, org_a):
    client = as_role("referent_a")
    org_a.membership_status = "withdrawn"
    org_a.left_on = org_a.joined_on
    org_a.save()
    assert client.get(reverse("area:dashboard")).status_code == 403


def test_the_refusal_page_explains_who_the_area_is_for(as_role, db):
    response = as_role("unaffiliated").get(en("area:dashboard"))
    assert response.status_code == 403
    assert "reserved to referents" in response.content.decode()
    assert "private" in response["Cache-Control"]
