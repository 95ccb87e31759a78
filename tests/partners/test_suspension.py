"""Suspending a member pauses its people's rights without losing them; reactivating restores
exactly what was there, and the people concerned are told both times."""

import pytest
from django.urls import reverse

from partners import actions
from partners.models import Affiliation, Organization
from services.models import WelfareService
from tests import factories

Status = Organization.MembershipStatus


@pytest.fixture
def reserved_service(org_b):
    return factories.make_service(
        org_b, title="Nido aziendale", eligibility=WelfareService.Eligibility.ALL_PARTNERS
    )


def _affiliation_rows(organization):
    return list(
        Affiliation.objects.filter(organization=organization)
        .order_by("pk")
        .values("pk", "user_id", "role", "status", "verified_via", "verified_at", "verified_by")
    )


def test_suspend_then_reactivate_restores_the_same_affiliations_and_rights(
    client, coordinator, org_a, employee_a, referent_a, reserved_service
):
    before = _affiliation_rows(org_a)
    assert WelfareService.objects.visible_to(employee_a).filter(pk=reserved_service.pk).exists()

    actions.organization_suspend(organization=org_a, actor=coordinator)
    assert _affiliation_rows(org_a) == before
    assert not WelfareService.objects.visible_to(employee_a).filter(pk=reserved_service.pk)
    client.force_login(referent_a)
    assert client.get(reverse("area:dashboard")).status_code == 403

    actions.organization_activate(organization=org_a, actor=coordinator)
    assert _affiliation_rows(org_a) == before
    assert WelfareService.objects.visible_to(employee_a).filter(pk=reserved_service.pk).exists()
    assert client.get(reverse("area:dashboard")).status_code == 200


def test_a_suspended_member_services_are_hidden_and_come_back(coordinator, org_a):
    service = factories.make_service(org_a)
    actions.organization_suspend(organization=org_a, actor=coordinator)
    assert not WelfareService.objects.visible_to(None).filter(pk=service.pk).exists()
    actions.organization_activate(organization=org_a, actor=coordinator)
    assert WelfareService.objects.visible_to(None).filter(pk=service.pk).exists()


def test_referents_and_employees_are_told_of_suspension_and_reactivation(
    coordinator,
    org_a,
    employee_a,
    referent_a,
    employee_b,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.organization_suspend(organization=org_a, actor=coordinator)
    suspended = {message.to[0]: message for message in mailoutbox}
    assert set(suspended) == {employee_a.email, referent_a.email}
    assert all(org_a.name in message.subject for message in suspended.values())
    assert "/area-partner/" not in suspended[employee_a.email].body

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.organization_activate(organization=org_a, actor=coordinator)
    reactivated = {message.to[0]: message for message in mailoutbox}
    assert set(reactivated) == {employee_a.email, referent_a.email}
    assert "/area-partner/" in reactivated[referent_a.email].body
    assert "/area-partner/" not in reactivated[employee_a.email].body


def test_activating_a_withdrawn_member_tells_nobody(
    coordinator, org_a, employee_a, mailoutbox, django_capture_on_commit_callbacks
):
    actions.organization_withdraw(organization=org_a, actor=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        actions.organization_activate(organization=org_a, actor=coordinator)
    assert mailoutbox == []
    assert not Affiliation.objects.current().filter(organization=org_a).exists()


def test_ending_an_affiliation_of_a_suspended_member_stays_a_separate_act(
    coordinator, org_a, employee_a
):
    actions.organization_suspend(organization=org_a, actor=coordinator)
    affiliation = Affiliation.objects.get(user=employee_a)
    actions.affiliation_end(affiliation=affiliation, actor=coordinator)
    actions.organization_activate(organization=org_a, actor=coordinator)
    affiliation.refresh_from_db()
    assert affiliation.status == Affiliation.Status.ENDED


def test_the_profile_says_the_membership_is_suspended_not_to_confirm_the_address(
    client, coordinator, org_a, referent_a
):
    actions.organization_suspend(organization=org_a, actor=coordinator)
    client.force_login(referent_a)
    html = client.get("/en" + reverse("account:profile")).content.decode()
    assert "is suspended" in html
    assert "Confirm your work address" not in html
    assert reverse("area:dashboard") not in html


def test_a_confirmed_address_of_a_suspended_member_is_explained_on_the_profile(client, db):
    factories.make_organization(
        "Sospesa", slug="sospesa", domain="sospesa.example", membership_status=Status.SUSPENDED
    )
    user = factories.make_user("nuova@sospesa.example")
    client.force_login(user)
    html = client.get(reverse("account:profile")).content.decode()
    assert "Sospesa" in html
    assert "Confirm your work address" not in html
