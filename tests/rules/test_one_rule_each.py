"""Each rule of who is who is defined once, and every screen that shows it agrees.

Each test here failed before the rules moved to partners.rules and the QuerySet methods:
the copies of a rule disagreed.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.access import SESSION_KEY
from partners.models import Affiliation, Certification, Organization
from partners.rules import (
    is_coordinator,
    is_partner_employee,
    is_referent,
    is_referent_of,
    member_organizations,
    referent_organizations,
)
from services.models import WelfareService
from tests import factories

AREA_URL = reverse("area:dashboard")


def suspend(organization):
    Organization.objects.filter(pk=organization.pk).update(
        membership_status=Organization.MembershipStatus.SUSPENDED
    )


# --- Coordinator ------------------------------------------------------------------------------


@pytest.fixture
def staff(db):
    return factories.make_user("ufficio@comune.trento.it", is_staff=True)


@pytest.fixture
def reserved_a(org_a):
    service = factories.make_service(
        org_a, title="Palestra riservata", eligibility=WelfareService.Eligibility.ALL_PARTNERS
    )
    return service


def test_a_staff_account_outside_the_coordinator_group_is_not_the_coordinator(staff, coordinator):
    assert not is_coordinator(staff)
    assert is_coordinator(coordinator)


def test_a_staff_member_who_is_not_the_coordinator_sees_what_an_ordinary_person_sees(
    client, staff, reserved_a, unaffiliated
):
    assert list(WelfareService.objects.visible_to(staff)) == list(
        WelfareService.objects.visible_to(unaffiliated)
    )
    client.force_login(staff)
    assert client.get(reverse("services:service-detail", args=[reserved_a.slug])).status_code == 404
    assert reserved_a.title not in client.get(reverse("services:service-list")).content.decode()


def test_the_coordinator_sees_every_published_service(client, coordinator, reserved_a):
    assert list(WelfareService.objects.visible_to(coordinator)) == [reserved_a]


# --- Referent and employee of a suspended member ------------------------------------------


def test_a_referent_of_a_suspended_member_is_no_referent_and_no_employee(referent_a, org_a):
    suspend(org_a)
    assert not is_referent(referent_a)
    assert not is_referent_of(referent_a, org_a)
    assert not is_partner_employee(referent_a)
    assert list(member_organizations(referent_a)) == []
    # Who they are is not lost: the affiliation is still there, active.
    assert Affiliation.objects.get(user=referent_a).status == Affiliation.Status.ACTIVE


def test_the_header_does_not_offer_the_partner_area_to_a_referent_of_a_suspended_member(
    client, referent_a, org_a
):
    client.force_login(referent_a)
    assert f'href="{AREA_URL}"' in client.get("/").content.decode()
    suspend(org_a)
    assert f'href="{AREA_URL}"' not in client.get("/").content.decode()
    assert client.get(AREA_URL).status_code == 403


def test_the_profile_does_not_offer_the_partner_area_to_a_referent_of_a_suspended_member(
    client, referent_a, org_a
):
    client.force_login(referent_a)
    profile = reverse("account:profile")
    assert AREA_URL in client.get(profile).content.decode()
    suspend(org_a)
    assert AREA_URL not in client.get(profile).content.decode()


# --- A referent of two organisations --------------------------------------------------------


@pytest.fixture
def referent_ab(org_a, org_b):
    user = factories.make_user("elena@alfa.example")
    factories.affiliate(user, org_a, role=Affiliation.Role.REFERENT)
    factories.affiliate(user, org_b, role=Affiliation.Role.REFERENT)
    return user


def work_for(client, user, organization):
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = organization.pk
    session.save()


def test_the_preview_offers_editing_only_for_the_organisation_being_worked_on(
    client, referent_ab, org_a, org_b
):
    draft = factories.make_service(org_a, status=WelfareService.Status.DRAFT)
    preview = reverse("area:service-preview", args=[draft.slug])
    edit = reverse("area:service-edit", args=[draft.slug])

    work_for(client, referent_ab, org_b)
    response = client.get(preview)
    assert response.status_code == 200
    assert response.context["may_edit"] is False
    assert edit not in response.content.decode()
    assert client.get(edit).status_code == 404

    work_for(client, referent_ab, org_a)
    response = client.get(preview)
    assert response.context["may_edit"] is True
    assert edit in response.content.decode()
    assert client.get(edit).status_code == 200


def test_referent_organizations_are_the_active_ones_only(referent_ab, org_a, org_b):
    assert set(referent_organizations(referent_ab)) == {org_a, org_b}
    suspend(org_b)
    assert list(referent_organizations(referent_ab)) == [org_a]


# --- Current certification and the expiry warning ------------------------------------------


@pytest.fixture
def two_steps(org_a):
    """An older valid certificate and a later step already marked expired."""
    valid = Certification.objects.create(
        organization=org_a,
        phase=Certification.Phase.FAMILY_AUDIT,
        status=Certification.Status.VALID,
        registered_on=date(2018, 1, 10),
        granted_on=date(2018, 6, 1),
        expires_on=timezone.localdate() + timedelta(days=90),
    )
    Certification.objects.create(
        organization=org_a,
        phase=Certification.Phase.EXECUTIVE,
        status=Certification.Status.EXPIRED,
        registered_on=date(2021, 1, 10),
        granted_on=date(2021, 6, 1),
        expires_on=date(2024, 6, 1),
    )
    return valid


def test_the_current_certification_is_the_same_on_every_screen(
    client, coordinator, referent_a, org_a, two_steps
):
    phase = two_steps.get_phase_display()
    assert Certification.objects.current().filter(organization=org_a).first() == two_steps
    assert Organization.objects.with_current_phase().get(pk=org_a.pk).current_phase == (
        Certification.Phase.FAMILY_AUDIT
    )
    detail = client.get(reverse("partners:organization-detail", args=[org_a.slug]))
    assert detail.context["current_certification"] == two_steps
    directory = client.get(reverse("partners:organization-list"))
    assert [o.current_phase_label for o in directory.context["organizations"]] == [phase]

    client.force_login(referent_a)
    dashboard = client.get(AREA_URL)
    assert dashboard.context["certification"] == two_steps
    assert dashboard.context["certification_warning"] == "expiring"

    client.force_login(coordinator)
    changelist = client.get(reverse("admin:partners_organization_changelist"))
    assert phase in changelist.content.decode()


@pytest.mark.parametrize(("days", "warned"), [(-1, True), (0, True), (90, True), (91, False)])
def test_the_expiry_warning_is_the_same_for_the_coordinator_and_the_referents(
    client, coordinator, referent_a, org_a, days, warned
):
    certification = Certification.objects.create(
        organization=org_a,
        phase=Certification.Phase.FAMILY_AUDIT,
        status=Certification.Status.VALID,
        granted_on=date(2020, 1, 1),
        expires_on=timezone.localdate() + timedelta(days=days),
    )
    needing = Certification.objects.needing_attention()
    assert (certification in needing) is warned
    client.force_login(referent_a)
    warning = client.get(AREA_URL).context["certification_warning"]
    assert bool(warning) is warned
    client.force_login(coordinator)
    flagged = client.get(
        reverse("admin:partners_certification_changelist"), {"attention": "expiring"}
    )
    assert (certification in flagged.context["cl"].result_list) is warned


# --- Service needs checking ---------------------------------------------------------------


@pytest.mark.parametrize(("age", "flagged"), [(179, False), (181, True)])
def test_needs_checking_is_one_rule_for_the_list_the_filter_and_the_dashboard(
    client, referent_a, org_a, age, flagged
):
    checked = timezone.localdate() - timedelta(days=age)
    service = factories.make_service(org_a, last_verified_on=checked)
    client.force_login(referent_a)
    listed = client.get(reverse("area:service-list")).context["services"]
    assert listed[0].needs_check is flagged
    filtered = client.get(reverse("area:service-list"), {"to_verify": "1"}).context["services"]
    assert (service in list(filtered)) is flagged
    assert client.get(AREA_URL).context["service_counts"]["to_verify"] == int(flagged)
