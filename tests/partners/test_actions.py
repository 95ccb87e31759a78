"""Membership writes: activation, suspension, withdrawal and the review of applications."""

from datetime import date

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from partners import actions
from partners.models import Affiliation, MembershipApplication, Organization
from tests import factories
from tests.admin.builders import make_application

Status = Organization.MembershipStatus


def test_activating_an_applicant_sets_the_joining_date(coordinator):
    organization = factories.make_organization(membership_status=Status.APPLICANT, joined_on=None)
    actions.organization_activate(organization=organization, actor=coordinator)
    organization.refresh_from_db()
    assert organization.membership_status == Status.ACTIVE
    assert organization.joined_on == timezone.localdate()


def test_reactivating_keeps_the_first_joining_date_and_clears_the_leaving_one(coordinator):
    organization = factories.make_organization(
        membership_status=Status.WITHDRAWN, joined_on=date(2018, 10, 10), left_on=date(2022, 1, 1)
    )
    actions.organization_activate(organization=organization, actor=coordinator)
    organization.refresh_from_db()
    assert organization.membership_status == Status.ACTIVE
    assert organization.joined_on == date(2018, 10, 10)
    assert organization.left_on is None


def test_activating_an_active_member_is_refused(coordinator, org_a):
    with pytest.raises(ValidationError):
        actions.organization_activate(organization=org_a, actor=coordinator)


def test_suspending_keeps_every_affiliation_as_it_was(coordinator, org_a, employee_a, org_b):
    referent = factories.make_user("carla@alfa.example")
    factories.affiliate(referent, org_a, role=Affiliation.Role.REFERENT)
    factories.affiliate(factories.make_user("bob@beta.example"), org_b)
    Affiliation.objects.create(user=factories.make_user(), organization=org_a)
    before = list(Affiliation.objects.order_by("pk").values())

    actions.organization_suspend(organization=org_a, actor=coordinator)

    org_a.refresh_from_db()
    assert org_a.membership_status == Status.SUSPENDED
    assert list(Affiliation.objects.order_by("pk").values()) == before


def test_only_an_active_member_can_be_suspended(coordinator):
    organization = factories.make_organization(membership_status=Status.WITHDRAWN)
    with pytest.raises(ValidationError):
        actions.organization_suspend(organization=organization, actor=coordinator)
    organization.refresh_from_db()
    assert organization.membership_status == Status.WITHDRAWN


def test_withdrawing_records_the_leaving_date_and_ends_affiliations(coordinator, employee_a, org_a):
    actions.organization_withdraw(organization=org_a, actor=coordinator)
    org_a.refresh_from_db()
    assert org_a.membership_status == Status.WITHDRAWN
    assert org_a.left_on == timezone.localdate()
    assert not Affiliation.objects.current().filter(organization=org_a).exists()


def test_a_suspended_member_can_withdraw_on_a_given_date(coordinator):
    organization = factories.make_organization(membership_status=Status.SUSPENDED)
    actions.organization_withdraw(
        organization=organization, actor=coordinator, left_on=date(2024, 6, 30)
    )
    organization.refresh_from_db()
    assert organization.left_on == date(2024, 6, 30)


def test_withdrawing_before_joining_is_refused_and_changes_nothing(coordinator, org_a, employee_a):
    with pytest.raises(ValidationError):
        actions.organization_withdraw(
            organization=org_a, actor=coordinator, left_on=date(2010, 1, 1)
        )
    org_a.refresh_from_db()
    assert org_a.membership_status == Status.ACTIVE
    assert Affiliation.objects.current().filter(organization=org_a).count() == 1


def test_an_applicant_cannot_withdraw(coordinator):
    organization = factories.make_organization(membership_status=Status.APPLICANT)
    with pytest.raises(ValidationError):
        actions.organization_withdraw(organization=organization, actor=coordinator)


def test_membership_changes_leave_a_record_in_the_history(coordinator, org_a):
    actions.organization_suspend(organization=org_a, actor=coordinator)
    entry = LogEntry.objects.get(object_id=str(org_a.pk))
    assert entry.user == coordinator
    assert entry.is_change()


def test_approving_an_application_creates_an_active_member(coordinator):
    application = make_application(organization_name="Cooperativa Sociale La Rete")
    organization = actions.membership_application_approve(
        application=application, actor=coordinator
    )
    application.refresh_from_db()
    assert organization.name == "Cooperativa Sociale La Rete"
    assert organization.slug == "cooperativa-sociale-la-rete"
    assert organization.membership_status == Status.ACTIVE
    assert organization.joined_on == timezone.localdate()
    assert organization.kind == application.kind
    assert application.status == MembershipApplication.Status.APPROVED
    assert application.organization == organization
    assert application.reviewed_by == coordinator
    assert application.reviewed_at is not None


def test_approving_an_application_from_a_former_member_reactivates_it(coordinator):
    former = factories.make_organization(
        "Fondazione Bruno Kessler", membership_status=Status.WITHDRAWN, left_on=date(2020, 1, 1)
    )
    application = make_application(organization_name="fondazione bruno kessler")
    organization = actions.membership_application_approve(
        application=application, actor=coordinator
    )
    assert organization == former
    former.refresh_from_db()
    assert former.membership_status == Status.ACTIVE
    assert Organization.objects.count() == 1


def test_approval_gives_a_fresh_slug_when_the_name_slug_is_taken(coordinator):
    factories.make_organization("Altro nome", slug="la-rete")
    application = make_application(organization_name="La Rete")
    organization = actions.membership_application_approve(
        application=application, actor=coordinator
    )
    assert organization.slug == "la-rete-2"


def test_rejecting_an_application_keeps_the_reason(coordinator):
    application = make_application()
    actions.membership_application_reject(
        application=application, actor=coordinator, notes="Manca la certificazione."
    )
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    assert application.review_notes == "Manca la certificazione."
    assert application.reviewed_by == coordinator
    assert application.organization is None
    assert not Organization.objects.exists()


@pytest.mark.parametrize("review", ["approve", "reject"])
def test_an_application_is_reviewed_only_once(coordinator, review):
    application = make_application()
    actions.membership_application_reject(application=application, actor=coordinator)
    with pytest.raises(ValidationError):
        getattr(actions, f"membership_application_{review}")(
            application=application, actor=coordinator
        )
    assert not Organization.objects.exists()


def test_creating_an_organisation_makes_a_free_slug_and_records_who_did_it(coordinator, org_a):
    organization = actions.organization_create(
        actor=coordinator, name="Organizzazione Alfa 2", kind=Organization.Kind.COMPANY
    )
    organization = Organization.objects.get(pk=organization.pk)
    assert organization.slug == "organizzazione-alfa-2"
    assert LogEntry.objects.filter(object_id=str(organization.pk), user=coordinator).exists()


def test_creating_an_organisation_with_a_taken_name_is_refused(coordinator, org_a):
    with pytest.raises(ValidationError):
        actions.organization_create(
            actor=coordinator, name=org_a.name, kind=Organization.Kind.COMPANY
        )
    assert Organization.objects.filter(name=org_a.name).count() == 1
