import datetime as dt
import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone, translation

from agreements.models import Agreement, Signature
from common.roles import COORDINATOR_GROUP
from distretto import demo
from distretto.demo_data import FBK, SIGNATORIES, UNITN
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    Meeting,
    WorkingGroup,
    WorkProgramme,
)
from partners.models import Affiliation, Certification, EmailDomain, Organization
from services.models import Audience, Category, WelfareService

User = get_user_model()

NINE_SIGNATORIES = {
    "Fondazione Bruno Kessler",
    "APSP Margherita Grazioli",
    "Famiglia Cooperativa di Povo",
    "Kaleidoscopio s.c.s.",
    "Università degli Studi di Trento",
    "FIDIA S.r.l.",
    "Progetto '92 Società Cooperativa Sociale",
    "Fondazione Franco Demarchi",
    "U.P.I.P.A.",
}

# Every table the demo writes, including the many-to-many link tables.
SNAPSHOT_MODELS = [
    Organization,
    EmailDomain,
    Certification,
    Agreement,
    Signature,
    Category,
    Audience,
    WelfareService,
    WelfareService.audiences.through,
    WelfareService.eligible_organizations.through,
    WorkingGroup,
    WorkingGroup.members.through,
    Meeting,
    AgendaItem,
    Attendance,
    WorkProgramme,
    Action,
    Action.partners.through,
    Action.services.through,
    User,
    User.groups.through,
    EmailAddress,
    Affiliation,
]


def snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in SNAPSHOT_MODELS
    }


def run_command(*args):
    out = io.StringIO()
    with translation.override("en"):  # the assertions read the English messages
        call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_settings(settings):
    settings.DEBUG = True
    # The demo hashes one password per run; a fast hasher keeps the tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


@pytest.fixture
def loaded(db, demo_settings):
    return run_command()


def test_a_second_run_changes_no_row_and_no_value(loaded):
    before = snapshot()
    output = run_command()
    assert snapshot() == before
    assert "0 rows created, 0 updated" in output
    assert all(before.values()), "every demo table has rows"


def test_a_second_run_restores_demo_values_changed_by_hand(loaded):
    Organization.objects.filter(slug=FBK).update(description="Altro testo")
    output = run_command()
    assert "0 rows created, 1 updated" in output
    assert Organization.objects.get(slug=FBK).description.startswith("Fondazione di ricerca")


def test_the_nine_signatories_of_10_october_2018_are_there_with_that_date(loaded):
    agreement = Agreement.objects.get(slug="accordo-volontario-area-2018")
    assert agreement.kind == Agreement.Kind.AREA
    assert agreement.signed_on == dt.date(2018, 10, 10)
    signatures = Signature.objects.filter(agreement=agreement).select_related("organization")
    assert {s.organization.name for s in signatures} == NINE_SIGNATORIES
    assert {s.signed_on for s in signatures} == {dt.date(2018, 10, 10)}


def test_the_same_nine_signed_the_partnership_of_19_march_2019(loaded):
    agreement = Agreement.objects.get(slug="accordo-partenariato-2019")
    assert agreement.kind == Agreement.Kind.PARTNERSHIP
    assert agreement.signed_on == dt.date(2019, 3, 19)
    signatures = Signature.objects.filter(agreement=agreement).select_related("organization")
    assert {s.organization.name for s in signatures} == NINE_SIGNATORIES
    assert {s.signed_on for s in signatures} == {dt.date(2019, 3, 19)}


def test_the_agreements_form_the_chain_from_2014_to_2019(loaded):
    collina_est = Agreement.objects.get(slug="accordo-volontario-area-collina-est-2014")
    partnership_2017 = Agreement.objects.get(slug="accordo-partenariato-2017")
    area_2018 = Agreement.objects.get(slug="accordo-volontario-area-2018")
    partnership_2019 = Agreement.objects.get(slug="accordo-partenariato-2019")

    assert collina_est.predecessor is None
    assert partnership_2017.predecessor == collina_est
    assert area_2018.predecessor == partnership_2017
    assert partnership_2019.predecessor == area_2018
    assert (collina_est.signed_on, collina_est.signed_on_precision) == (
        dt.date(2014, 6, 1),
        "month",
    )
    assert partnership_2017.signed_on == dt.date(2017, 4, 10)
    assert all(a.is_public and a.summary for a in Agreement.objects.all())


def test_the_comune_has_the_institutional_role_and_the_nine_are_active_partners(loaded):
    comune = Organization.objects.get(name="Comune di Trento")
    assert comune.role == Organization.Role.INSTITUTIONAL
    assert comune.kind == Organization.Kind.PUBLIC_BODY
    partners = Organization.objects.filter(role=Organization.Role.PARTNER)
    assert set(partners.values_list("name", flat=True)) == NINE_SIGNATORIES
    assert Organization.objects.active().count() == 10
    assert set(Organization.objects.values_list("joined_on", flat=True)) == {dt.date(2018, 10, 10)}


def test_every_organisation_has_an_email_domain_and_example_certifications(loaded):
    for organization in Organization.objects.all():
        assert organization.email_domains.exists()
        certifications = list(organization.certifications.all())
        assert 1 <= len(certifications) <= 2
        assert all(c.notes.startswith(demo.EXAMPLE_NOTE) for c in certifications)
    assert EmailDomain.objects.get(domain="fbk.eu").organization.slug == FBK
    assert EmailDomain.objects.get(domain="unitn.it").organization.short_name == "UniTrento"


def test_the_catalogue_has_at_least_thirty_example_services_of_every_kind(loaded):
    services = WelfareService.objects.all()
    assert services.count() >= 30
    assert all(s.description.startswith(demo.SERVICE_MARKER) for s in services)
    assert set(services.values_list("eligibility", flat=True)) == set(
        WelfareService.Eligibility.values
    )
    assert set(services.values_list("cost", flat=True)) == set(WelfareService.Cost.values)
    assert set(services.values_list("status", flat=True)) == set(WelfareService.Status.values)
    assert services.filter(is_online=True).exists()
    assert services.filter(is_featured=True, status="published").count() >= 4
    assert services.filter(available_from__year=timezone.localdate().year).exists()
    assert not services.filter(last_verified_on__isnull=True).exists()
    assert Category.objects.annotate(n=Count("services")).filter(n=0).count() == 0
    assert Audience.objects.annotate(n=Count("services")).filter(n=0).count() == 0
    assert set(Audience.objects.values_list("code", flat=True)) == {
        "0-3",
        "3-6",
        "6-14",
        "famiglie",
        "anziani",
        "tutti",
    }
    reserved = services.filter(eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS)
    assert all(s.eligible_organizations.filter(pk=s.provider_id).exists() for s in reserved)
    assert not services.exclude(eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS).filter(
        eligible_organizations__isnull=False
    )


def test_reserved_services_are_visible_only_to_the_chosen_organisations(loaded):
    reserved = WelfareService.objects.get(slug="consulenza-rientro-congedo-parentale")
    fbk_employee = User.objects.get(email="dipendente@fbk.eu")
    unitn_employee = User.objects.get(email="dipendente@unitn.it")
    citizen = User.objects.get(email="cittadino@example.org")
    assert WelfareService.objects.visible_to(fbk_employee).filter(pk=reserved.pk).exists()
    assert not WelfareService.objects.visible_to(unitn_employee).filter(pk=reserved.pk).exists()
    visible_to_citizen = WelfareService.objects.visible_to(citizen)
    assert visible_to_citizen.exists()
    assert set(visible_to_citizen.values_list("eligibility", flat=True)) == {"everyone"}


def test_the_working_group_meets_once_in_every_quarter_of_this_year_and_the_last(loaded):
    group = WorkingGroup.objects.get(name="Gruppo di lavoro del Distretto Family Audit di Trento")
    assert group.coordinator.name == "Comune di Trento"
    assert group.members.count() == 10
    assert group.subgroups.count() >= 2
    year = timezone.localdate().year
    quarters = sorted(
        (timezone.localtime(m.starts_at).year, (timezone.localtime(m.starts_at).month - 1) // 3)
        for m in group.meetings.all()
    )
    assert quarters == [(y, q) for y in (year - 1, year) for q in range(4)] + [(year + 1, 0)]


def test_there_is_always_a_meeting_ahead(loaded):
    assert Meeting.objects.upcoming(timezone.now()).exists()


def test_past_meetings_are_held_with_minutes_and_future_ones_are_convened(db, demo_settings):
    now = dt.datetime(2026, 6, 1, 12, 0, tzinfo=demo.ROME)
    demo.load_demo(now=now)
    meetings = Meeting.objects.all()
    assert meetings.count() == 9
    for meeting in meetings:
        assert meeting.agenda_items.count() == 3
        assert meeting.attendances.count() == 10
        statuses = set(meeting.attendances.values_list("status", flat=True))
        if meeting.ends_at <= now:
            assert meeting.status == Meeting.Status.HELD
            assert meeting.minutes.startswith(demo.EXAMPLE_NOTE)
            assert statuses <= {Attendance.Status.ATTENDED, Attendance.Status.ABSENT}
        else:
            assert meeting.status == Meeting.Status.SCHEDULED
            assert meeting.minutes == ""
            assert statuses <= {Attendance.Status.INVITED, Attendance.Status.CONFIRMED}
    assert meetings.filter(status=Meeting.Status.HELD).count() == 6
    first = Meeting.objects.get(title=demo.meeting_title(2026, 1))
    local = timezone.localtime(first.starts_at)
    assert (local.month, local.weekday(), local.hour, local.minute) == (2, 1, 14, 30)
    assert 8 <= local.day <= 14  # the second Tuesday


def test_there_is_a_work_programme_with_actions_for_this_year_and_the_last(loaded):
    year = timezone.localdate().year
    programmes = WorkProgramme.objects.filter(year__in=[year - 1, year])
    assert programmes.count() == 2
    for programme in programmes:
        actions = programme.actions.all()
        assert 8 <= actions.count() <= 12
        assert set(actions.values_list("area", flat=True)) == set(Action.Area.values)
        assert actions.filter(services__isnull=False).exists()
        assert actions.filter(subgroup__isnull=False).exists()


def test_the_coordinator_is_staff_in_the_group_but_not_a_superuser(loaded):
    coordinator = User.objects.get(email="coordinatore@comune.trento.it")
    assert coordinator.is_staff
    assert not coordinator.is_superuser
    assert coordinator.groups.filter(name=COORDINATOR_GROUP).exists()
    assert coordinator.check_password(demo.DEMO_PASSWORD)


def test_referents_and_employees_are_verified_and_affiliated(loaded):
    referents = Affiliation.objects.referents()
    per_organization = dict(
        referents.values_list("organization__slug").annotate(n=Count("id")).order_by()
    )
    assert per_organization[FBK] == 2
    assert per_organization[UNITN] == 2
    assert set(per_organization) == set(SIGNATORIES)
    employee = Affiliation.objects.get(user__email="dipendente@fbk.eu")
    assert employee.role == Affiliation.Role.EMPLOYEE
    assert employee.verified_via == Affiliation.VerifiedVia.EMAIL_DOMAIN
    assert employee.verified_at is not None
    assert Affiliation.objects.pending().filter(organization__slug=FBK).count() == 1
    for email, *_rest in demo.ACCOUNTS:
        address = EmailAddress.objects.get(email=email)
        assert address.verified and address.primary


def test_the_command_prints_every_demo_login_and_the_password(loaded):
    for email, *_rest in demo.ACCOUNTS:
        assert email in loaded
    assert demo.DEMO_PASSWORD in loaded


def test_a_second_run_keeps_a_password_the_user_changed(loaded):
    user = User.objects.get(email="referente@fbk.eu")
    user.set_password("Una-nuova-password-2026")
    user.save()
    run_command()
    user.refresh_from_db()
    assert user.check_password("Una-nuova-password-2026")


def test_it_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        run_command()
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_force_loads_the_demo_even_with_debug_off(db, settings):
    settings.DEBUG = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    run_command("--force")
    assert Organization.objects.count() == 10


def test_the_summary_is_in_english_like_the_readme_even_under_italian(db, demo_settings):
    out = io.StringIO()
    with translation.override("it"):
        call_command("load_demo", stdout=out)
    output = out.getvalue()
    assert "Demo accounts:" in output
    assert "Referent" in output and "Active" in output
    assert "Account dimostrativi" not in output and "Attiva" not in output
