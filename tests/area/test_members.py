"""Referents manage the people of their organisation: approvals and the referent role."""

import pytest
from django.urls import reverse

from partners.models import Affiliation
from tests import factories
from tests.area.helpers import en, pending_affiliation


@pytest.fixture
def client_a(client, referent_a):
    client.force_login(referent_a)
    return client


def affiliation_of(user, organization):
    return Affiliation.objects.get(user=user, organization=organization)


def test_the_list_shows_the_people_of_the_organisation_only(
    client_a, org_a, org_b, employee_a, employee_b, referent_a
):
    waiting = pending_affiliation(org_a, "gino@gmail.example")
    pending_affiliation(org_b, "other@gmail.example")
    response = client_a.get(reverse("area:member-list"))
    members = {a.user.email for a in response.context["members"]}
    assert members == {"alice@alfa.example", "carla@alfa.example"}
    assert [a.pk for a in response.context["pending"]] == [waiting.pk]


def test_a_referent_promotes_a_verified_employee(client_a, org_a, employee_a):
    affiliation = affiliation_of(employee_a, org_a)
    response = client_a.post(reverse("area:member-promote", kwargs={"pk": affiliation.pk}))
    assert response.status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.role == Affiliation.Role.REFERENT


def test_a_pending_person_cannot_be_promoted(client_a, org_a):
    waiting = pending_affiliation(org_a)
    response = client_a.post(reverse("area:member-promote", kwargs={"pk": waiting.pk}))
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.role == Affiliation.Role.EMPLOYEE


def test_an_employee_of_another_organisation_cannot_be_promoted(client_a, org_b, employee_b):
    affiliation = affiliation_of(employee_b, org_b)
    response = client_a.post(reverse("area:member-promote", kwargs={"pk": affiliation.pk}))
    assert response.status_code == 404
    affiliation.refresh_from_db()
    assert affiliation.role == Affiliation.Role.EMPLOYEE


def test_a_referent_demotes_another_referent(client_a, org_a):
    other = factories.make_user("franco@alfa.example")
    affiliation = factories.affiliate(other, org_a, role=Affiliation.Role.REFERENT)
    client_a.post(reverse("area:member-demote", kwargs={"pk": affiliation.pk}))
    affiliation.refresh_from_db()
    assert affiliation.role == Affiliation.Role.EMPLOYEE


def test_the_last_referent_is_never_demoted(client_a, org_a, referent_a):
    affiliation = affiliation_of(referent_a, org_a)
    response = client_a.post(en("area:member-demote", pk=affiliation.pk), follow=True)
    assert "the only referent" in response.content.decode()
    affiliation.refresh_from_db()
    assert affiliation.role == Affiliation.Role.REFERENT


def test_a_referent_who_steps_down_leaves_the_area(client_a, org_a, referent_a):
    other = factories.make_user("franco@alfa.example")
    factories.affiliate(other, org_a, role=Affiliation.Role.REFERENT)
    affiliation = affiliation_of(referent_a, org_a)
    response = client_a.post(reverse("area:member-demote", kwargs={"pk": affiliation.pk}))
    assert response["Location"] == reverse("home")
    assert client_a.get(reverse("area:dashboard")).status_code == 403


def test_a_referent_approves_a_pending_employee(client_a, org_a, referent_a, mailoutbox):
    waiting = pending_affiliation(org_a, "gino@gmail.example")
    response = client_a.post(reverse("area:affiliation-approve", kwargs={"pk": waiting.pk}))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Affiliation.Status.ACTIVE
    assert waiting.verified_by == referent_a


def test_a_referent_rejects_a_pending_request_with_a_reason(client_a, org_a):
    waiting = pending_affiliation(org_a, "gino@gmail.example")
    client_a.post(
        reverse("area:affiliation-reject", kwargs={"pk": waiting.pk}),
        {"reason": "Non risulta tra il personale."},
    )
    waiting.refresh_from_db()
    assert waiting.status == Affiliation.Status.REJECTED


def test_a_request_already_handled_cannot_be_handled_again(client_a, org_a):
    waiting = pending_affiliation(org_a)
    client_a.post(reverse("area:affiliation-reject", kwargs={"pk": waiting.pk}))
    response = client_a.post(reverse("area:affiliation-approve", kwargs={"pk": waiting.pk}))
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == Affiliation.Status.REJECTED


def test_requests_to_another_organisation_cannot_be_approved(client_a, org_b):
    waiting = pending_affiliation(org_b)
    response = client_a.post(reverse("area:affiliation-approve", kwargs={"pk": waiting.pk}))
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == Affiliation.Status.PENDING


@pytest.mark.parametrize("count", [5, 50])
def test_the_people_list_runs_a_fixed_number_of_queries(
    client_a, org_a, django_assert_max_num_queries, count
):
    from django.utils import timezone

    for _ in range(count):
        factories.affiliate(factories.make_user(), org_a)
        pending_affiliation(org_a)
        # People to confirm this year, and people who lapsed: two more lists, one query each.
        factories.affiliate(
            factories.make_user(),
            org_a,
            verified_via=Affiliation.VerifiedVia.REFERENT_APPROVAL,
            reconfirm_requested_at=timezone.now(),
        )
        factories.affiliate(
            factories.make_user(), org_a, status=Affiliation.Status.LAPSED, ended_at=timezone.now()
        )
    with django_assert_max_num_queries(12):
        response = client_a.get(reverse("area:member-list"))
    assert response.status_code == 200
    assert response.content.decode().count("area-partner/persone/") >= count


def test_a_rejection_reason_too_long_to_send_rejects_nothing(client_a, org_a):
    pending = pending_affiliation(org_a, "lungo@alfa.example")
    url = reverse("area:affiliation-reject", kwargs={"pk": pending.pk})
    response = client_a.post(url, {"reason": "x" * 1001}, follow=True)
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.PENDING
    assert list(response.context["messages"])
