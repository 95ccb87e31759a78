"""The back office obeys the same rules as the partner area: model rules in clean(), state
changes through the actions. Each test posts the admin form as the coordinator and looks at
the database afterwards."""

from datetime import date, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from agreements.models import Agreement, Signature
from meetings.models import Meeting
from partners.models import Affiliation, Certification, Organization
from services.models import WelfareService
from tests import factories
from tests.admin import builders
from tests.admin.form_data import page_data


def change(client, obj, **changes):
    """Post the object's admin change page with some values changed."""
    url = builders.admin_url(obj, "change", obj.pk)
    data = page_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def errors_of(response) -> str:
    assert response.status_code == 200, "the form was accepted"
    context = response.context
    return " ".join(
        str(error) for error in [*context["errors"], *context["adminform"].form.non_field_errors()]
    )


def action_entries(obj) -> list[str]:
    """History entries written by an action (the admin's own ones are JSON lists)."""
    return [
        entry.change_message
        for entry in LogEntry.objects.filter(object_id=str(obj.pk))
        if not entry.change_message.startswith("[")
    ]


# --- Services -------------------------------------------------------------------------------


@pytest.fixture
def service(org_a):
    return factories.make_service(
        org_a,
        status=WelfareService.Status.DRAFT,
        published_at=None,
        address="Via Belenzani 19, Trento",
        contact_email="servizi@alfa.example",
    )


def test_a_service_for_chosen_partners_needs_at_least_one_partner(coordinator_client, service):
    response = change(
        coordinator_client,
        service,
        eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS,
        eligible_organizations=[],
    )
    assert "Choose at least one organisation" in errors_of(response) or "almeno" in errors_of(
        response
    )
    service.refresh_from_db()
    assert service.eligibility == WelfareService.Eligibility.EVERYONE


@pytest.mark.parametrize("link", ["ftp://files.example.org/x", "javascript:alert(1)"])
def test_a_booking_link_must_be_a_web_page(coordinator_client, service, link):
    response = change(coordinator_client, service, booking_url=link)
    assert response.status_code == 200
    assert "booking_url" in response.context["adminform"].form.errors
    service.refresh_from_db()
    assert service.booking_url == ""


def test_publishing_from_the_form_goes_through_the_publish_action(coordinator_client, service):
    response = change(coordinator_client, service, status=WelfareService.Status.PUBLISHED)
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.status == WelfareService.Status.PUBLISHED
    assert service.published_at is not None
    # The record's change and the publication, each by its action, each logged once.
    assert sorted(action_entries(service)) == [
        "Servizio modificato nel back office.",
        "Servizio pubblicato.",
    ]


def test_archiving_from_the_form_keeps_the_publication_date(coordinator_client, org_a):
    published = factories.make_service(
        org_a, address="Via Belenzani 19", contact_email="servizi@alfa.example"
    )
    first_published = published.published_at
    response = change(coordinator_client, published, status=WelfareService.Status.ARCHIVED)
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == WelfareService.Status.ARCHIVED
    assert published.published_at == first_published
    assert sorted(action_entries(published)) == [
        "Servizio archiviato.",
        "Servizio modificato nel back office.",
    ]


def test_changing_a_service_in_the_admin_goes_through_the_update_action(
    coordinator_client, service
):
    response = change(coordinator_client, service, title="Nido aziendale d'estate")
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.title == "Nido aziendale d'estate"
    assert service.status == WelfareService.Status.DRAFT
    assert action_entries(service) == ["Servizio modificato nel back office."]


def test_a_service_added_in_the_admin_is_a_draft_created_by_the_action(
    coordinator_client, coordinator, service
):
    url = builders.admin_url(WelfareService, "add")
    data = page_data(coordinator_client.get(url))
    data.update(
        {
            "provider": service.provider_id,
            "title": "Sportello genitori",
            "slug": "sportello-genitori",
            "summary": "Consulenza per genitori che lavorano.",
            "description": "Un'ora di consulenza al mese con un'esperta, su appuntamento.",
            "category": service.category_id,
            "audiences": [audience.pk for audience in service.audiences.all()],
            "eligible_organizations": [],
            "cost": service.cost,
            "address": "Via Belenzani 19, Trento",
            "contact_email": "servizi@alfa.example",
            "status": WelfareService.Status.DRAFT,
        }
    )
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    service = WelfareService.objects.get(title="Sportello genitori")
    assert service.slug == "sportello-genitori"
    assert service.status == WelfareService.Status.DRAFT
    assert service.created_by == coordinator
    assert action_entries(service) == ["Servizio creato come bozza nel back office."]


def test_a_published_service_cannot_go_back_to_draft(coordinator_client, org_a):
    published = factories.make_service(
        org_a, address="Via Belenzani 19", contact_email="servizi@alfa.example"
    )
    response = change(coordinator_client, published, status=WelfareService.Status.DRAFT)
    assert "status" in response.context["adminform"].form.errors
    published.refresh_from_db()
    assert published.status == WelfareService.Status.PUBLISHED


def test_the_publication_date_is_not_typed_in_the_form(coordinator_client, service):
    response = coordinator_client.get(builders.admin_url(service, "change", service.pk))
    assert "published_at" not in response.context["adminform"].form.fields


# --- Affiliations: promote and demote through the actions -------------------------------------


def test_the_last_referent_cannot_be_demoted_in_the_affiliation_admin(
    coordinator_client, org_a, referent_a
):
    affiliation = Affiliation.objects.get(user=referent_a)
    response = change(coordinator_client, affiliation, role=Affiliation.Role.EMPLOYEE)
    assert "only referent" in errors_of(response) or "unico" in errors_of(response)
    affiliation.refresh_from_db()
    assert affiliation.role == Affiliation.Role.REFERENT


def test_demoting_a_referent_with_a_colleague_goes_through_the_action(
    coordinator_client, org_a, referent_a
):
    factories.affiliate(factories.make_user(), org_a, role=Affiliation.Role.REFERENT)
    affiliation = Affiliation.objects.get(user=referent_a)
    response = change(coordinator_client, affiliation, role=Affiliation.Role.EMPLOYEE)
    assert response.status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.role == Affiliation.Role.EMPLOYEE
    assert len(action_entries(affiliation)) == 1


def test_promoting_an_employee_goes_through_the_action(coordinator_client, org_a, employee_a):
    affiliation = Affiliation.objects.get(user=employee_a)
    response = change(coordinator_client, affiliation, role=Affiliation.Role.REFERENT)
    assert response.status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.role == Affiliation.Role.REFERENT
    assert len(action_entries(affiliation)) == 1


def test_the_organisation_page_cannot_demote_all_its_referents_at_once(
    coordinator_client, org_a, referent_a
):
    factories.affiliate(factories.make_user(), org_a, role=Affiliation.Role.REFERENT)
    url = builders.admin_url(org_a, "change", org_a.pk)
    data = page_data(coordinator_client.get(url))
    for i in range(int(data["affiliations-TOTAL_FORMS"])):
        data[f"affiliations-{i}-role"] = Affiliation.Role.EMPLOYEE
    response = coordinator_client.post(url, data)
    assert response.status_code == 200
    assert Affiliation.objects.referents().filter(organization=org_a).count() == 2


def test_approving_a_request_in_the_admin_tells_the_person(
    coordinator_client, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    person = factories.make_user("nuovo@example.org")
    pending = Affiliation.objects.create(user=person, organization=org_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = change(coordinator_client, pending, status=Affiliation.Status.ACTIVE)
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.ACTIVE
    assert [message.to for message in mailoutbox] == [[person.email]]


def test_a_request_to_a_suspended_member_cannot_be_approved_in_the_admin(coordinator_client, org_a):
    pending = Affiliation.objects.create(user=factories.make_user(), organization=org_a)
    Organization.objects.filter(pk=org_a.pk).update(
        membership_status=Organization.MembershipStatus.SUSPENDED
    )
    response = change(coordinator_client, pending, status=Affiliation.Status.ACTIVE)
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.PENDING


# --- Signatures and agreements ----------------------------------------------------------------


@pytest.fixture
def agreement_2018():
    return factories.make_agreement(signed_on=date(2018, 10, 10))


@pytest.fixture
def newcomer():
    return factories.make_organization("Nuova", slug="nuova", joined_on=date(2026, 1, 15))


@pytest.mark.parametrize(
    "signed_on",
    ["2000-01-01", (timezone.localdate() + timedelta(days=3)).isoformat()],
    ids=["before the agreement", "in the future"],
)
def test_an_impossible_signature_date_is_refused(
    coordinator_client, agreement_2018, newcomer, signed_on
):
    response = coordinator_client.post(
        builders.admin_url(Signature, "add"),
        {
            "organization": newcomer.pk,
            "agreement": agreement_2018.pk,
            "signed_on": signed_on,
            "withdrawn_on": "",
        },
    )
    assert "signed_on" in response.context["adminform"].form.errors
    assert not Signature.objects.exists()


def test_a_withdrawal_before_the_signature_is_refused(coordinator_client, org_a, agreement_2018):
    signature = Signature.objects.create(
        agreement=agreement_2018, organization=org_a, signed_on=date(2019, 5, 1)
    )
    response = change(coordinator_client, signature, withdrawn_on="2019-01-01")
    assert "withdrawn_on" in response.context["adminform"].form.errors
    signature.refresh_from_db()
    assert signature.withdrawn_on is None


def test_signing_in_the_admin_goes_through_the_action(coordinator_client, agreement_2018, newcomer):
    response = coordinator_client.post(
        builders.admin_url(Signature, "add"),
        {
            "organization": newcomer.pk,
            "agreement": agreement_2018.pk,
            "signed_on": "2026-02-01",
            "withdrawn_on": "",
        },
    )
    assert response.status_code == 302
    assert Signature.objects.get().signed_on == date(2026, 2, 1)
    assert len(action_entries(agreement_2018)) == 1


def test_withdrawing_in_the_admin_goes_through_the_action(
    coordinator_client, org_a, agreement_2018
):
    signature = Signature.objects.create(
        agreement=agreement_2018, organization=org_a, signed_on=date(2019, 5, 1)
    )
    response = change(coordinator_client, signature, withdrawn_on="2024-06-30")
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.withdrawn_on == date(2024, 6, 30)
    assert len(action_entries(agreement_2018)) == 1


def test_the_agreement_page_refuses_a_signature_before_the_agreement(
    coordinator_client, agreement_2018, newcomer
):
    url = builders.admin_url(agreement_2018, "change", agreement_2018.pk)
    data = page_data(coordinator_client.get(url))
    data.update(
        {
            "signatures-TOTAL_FORMS": "1",
            "signatures-0-organization": newcomer.pk,
            "signatures-0-signed_on": "2000-01-01",
            "signatures-0-withdrawn_on": "",
        }
    )
    response = coordinator_client.post(url, data)
    assert response.status_code == 200
    assert not Signature.objects.exists()


def test_a_new_agreement_and_its_signatures_are_saved_by_the_actions(coordinator_client, org_a):
    response = coordinator_client.post(
        builders.admin_url(Agreement, "add"),
        {
            "kind": Agreement.Kind.AREA,
            "title": "Accordo volontario di area 2025",
            "slug": "accordo-2025",
            "summary": "",
            "predecessor": "",
            "signed_on": "2025-03-19",
            "signed_on_precision": "day",
            "valid_from": "",
            "valid_until": "",
            "is_public": "on",
            "signatures-TOTAL_FORMS": "1",
            "signatures-INITIAL_FORMS": "0",
            "signatures-0-organization": org_a.pk,
            "signatures-0-signed_on": "2025-03-19",
            "signatures-0-withdrawn_on": "",
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(slug="accordo-2025")
    assert list(agreement.signatories.all()) == [org_a]
    # One entry for the creation, one for the signature.
    assert len(action_entries(agreement)) == 2


def test_a_signature_before_a_new_agreement_is_refused_on_its_page(coordinator_client, org_a):
    response = coordinator_client.post(
        builders.admin_url(Agreement, "add"),
        {
            "kind": Agreement.Kind.AREA,
            "title": "Accordo volontario di area 2025",
            "slug": "accordo-2025",
            "signed_on": "2025-03-19",
            "signed_on_precision": "day",
            "is_public": "on",
            "signatures-TOTAL_FORMS": "1",
            "signatures-INITIAL_FORMS": "0",
            "signatures-0-organization": org_a.pk,
            "signatures-0-signed_on": "2000-01-01",
            "signatures-0-withdrawn_on": "",
        },
    )
    assert response.status_code == 200
    assert not Agreement.objects.exists()


# --- Organisations and certifications --------------------------------------------------------


def test_a_joining_date_in_the_future_is_refused(coordinator_client, org_a):
    joined = org_a.joined_on
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = change(coordinator_client, org_a, joined_on=tomorrow)
    assert "joined_on" in response.context["adminform"].form.errors
    org_a.refresh_from_db()
    assert org_a.joined_on == joined


def test_a_new_organisation_is_created_by_the_action(coordinator_client):
    url = builders.admin_url(Organization, "add")
    data = page_data(coordinator_client.get(url))
    data.update(
        {
            "name": "Cooperativa Nuova",
            "slug": "cooperativa-nuova",
            "kind": Organization.Kind.COOPERATIVE,
            "membership_status": Organization.MembershipStatus.APPLICANT,
        }
    )
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    organization = Organization.objects.get(slug="cooperativa-nuova")
    assert len(action_entries(organization)) == 1


def test_changing_an_organisation_in_the_admin_goes_through_the_update_action(
    coordinator_client, org_a
):
    response = change(coordinator_client, org_a, name="Organizzazione Alfa rinominata")
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.name == "Organizzazione Alfa rinominata"
    assert action_entries(org_a) == ["Organizzazione modificata."]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"registered_on": "1980-01-01", "granted_on": "", "expires_on": ""}, "registered_on"),
        (
            {
                "registered_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
                "granted_on": "",
                "expires_on": "",
            },
            "registered_on",
        ),
        (
            {
                "registered_on": "2020-01-01",
                "granted_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
                "expires_on": "",
            },
            "granted_on",
        ),
    ],
    ids=["before 1990", "application in the future", "grant in the future"],
)
def test_impossible_certification_dates_are_refused(coordinator_client, org_a, changes, field):
    certification = factories.make_certification(org_a)
    response = change(coordinator_client, certification, **changes)
    assert field in response.context["adminform"].form.errors
    certification.refresh_from_db()
    assert certification.registered_on == date(2015, 1, 1)


def test_a_certification_expiring_in_the_future_is_fine(coordinator_client, org_a):
    certification = factories.make_certification(org_a)
    response = change(coordinator_client, certification, expires_on="2031-01-01")
    assert response.status_code == 302
    certification.refresh_from_db()
    assert certification.expires_on == date(2031, 1, 1)
    assert certification.status == Certification.Status.VALID


# --- Meetings --------------------------------------------------------------------------------


def meeting_data(group, starts_at, ends_at, **extra):
    return {
        "group": group.pk,
        "title": "Gruppo di lavoro",
        "status": Meeting.Status.SCHEDULED,
        "starts_at_0": starts_at.date().isoformat(),
        "starts_at_1": starts_at.strftime("%H:%M"),
        "ends_at_0": ends_at.date().isoformat(),
        "ends_at_1": ends_at.strftime("%H:%M"),
        "place": "Sala Falconetto",
        "online_url": "",
        "minutes": "",
        "agenda_items-TOTAL_FORMS": "0",
        "agenda_items-INITIAL_FORMS": "0",
        "attendances-TOTAL_FORMS": "0",
        "attendances-INITIAL_FORMS": "0",
        **extra,
    }


def test_scheduling_a_meeting_in_the_admin_goes_through_the_action(coordinator_client):
    group = factories.make_group()
    starts_at = timezone.localtime() + timedelta(days=10)
    response = coordinator_client.post(
        builders.admin_url(Meeting, "add"),
        meeting_data(group, starts_at, starts_at + timedelta(hours=2)),
    )
    assert response.status_code == 302, response.context["errors"]
    meeting = Meeting.objects.get()
    assert meeting.group == group
    assert len(action_entries(meeting)) == 1


@pytest.mark.parametrize(
    ("ends_after", "extra", "field"),
    [
        (timedelta(hours=-1), {}, "ends_at"),
        (timedelta(hours=2), {"online_url": "ftp://meet.example.org/x"}, "online_url"),
    ],
    ids=["ends before it starts", "online link not a web page"],
)
def test_an_impossible_meeting_is_refused(coordinator_client, ends_after, extra, field):
    starts_at = timezone.localtime() + timedelta(days=10)
    response = coordinator_client.post(
        builders.admin_url(Meeting, "add"),
        meeting_data(factories.make_group(), starts_at, starts_at + ends_after, **extra),
    )
    assert field in response.context["adminform"].form.errors
    assert not Meeting.objects.exists()


def test_cancelling_a_meeting_in_its_form_goes_through_the_action(coordinator_client):
    meeting = factories.make_meeting()
    response = change(coordinator_client, meeting, status=Meeting.Status.CANCELLED)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert len(action_entries(meeting)) == 2  # changed, then cancelled


def test_bulk_demotion_keeps_one_referent_per_organisation(coordinator_client, org_a, referent_a):
    factories.affiliate(factories.make_user(), org_a, role=Affiliation.Role.REFERENT)
    both = Affiliation.objects.referents().filter(organization=org_a)
    response = coordinator_client.post(
        builders.admin_url(Affiliation, "changelist"),
        {"action": "demote", "_selected_action": [a.pk for a in both], "index": 0},
    )
    assert response.status_code == 302
    assert Affiliation.objects.referents().filter(organization=org_a).count() == 1


def test_bulk_promotion_goes_through_the_action(coordinator_client, org_a, employee_a):
    affiliation = Affiliation.objects.get(user=employee_a)
    response = coordinator_client.post(
        builders.admin_url(Affiliation, "changelist"),
        {"action": "promote", "_selected_action": [affiliation.pk], "index": 0},
    )
    assert response.status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.role == Affiliation.Role.REFERENT
    assert len(action_entries(affiliation)) == 1
