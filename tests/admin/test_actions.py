"""Admin actions: they change the database through the action layer and say how many rows."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from partners.models import (
    Affiliation,
    Certification,
    EmailDomain,
    MembershipApplication,
    Organization,
)
from services.models import WelfareService
from tests import factories
from tests.admin import builders

Status = Organization.MembershipStatus


def run_list_action(client, model, action, objects):
    return client.post(
        builders.admin_url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects], "index": 0},
    )


def run_page_action(client, obj, action):
    """The same action from the object's own page (Django's change-form actions)."""
    return client.post(
        builders.admin_url(obj, "change", obj.pk),
        {"CHANGE_FORM-action": action, "_selected_action": [obj.pk]},
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_activating_organisations_reports_how_many_changed(coordinator_client):
    applicants = [
        factories.make_organization(membership_status=Status.APPLICANT, joined_on=None)
        for _ in range(2)
    ]
    already_active = factories.make_organization()

    response = run_list_action(
        coordinator_client, Organization, "activate", [*applicants, already_active]
    )

    assert response.status_code == 302
    for organization in applicants:
        organization.refresh_from_db()
        assert organization.membership_status == Status.ACTIVE
        assert organization.joined_on == timezone.localdate()
    texts = messages_of(response)
    assert any(text.startswith("2 ") for text in texts)
    # The one that could not change is named, not silently skipped.
    assert any(already_active.name in text for text in texts)


def test_bulk_suspend_first_asks_for_confirmation_and_changes_nothing(
    coordinator_client, org_a, org_b, employee_a, referent_b
):
    response = run_list_action(coordinator_client, Organization, "suspend", [org_a, org_b])
    assert response.status_code == 200
    html = response.content.decode()
    assert org_a.name in html and org_b.name in html
    assert 'name="post" value="yes"' in html
    assert set(Organization.objects.values_list("membership_status", flat=True)) == {Status.ACTIVE}


def test_confirmed_bulk_suspend_suspends_and_keeps_the_people_affiliations(
    coordinator_client, org_a, org_b, employee_a, referent_b
):
    response = coordinator_client.post(
        builders.admin_url(Organization, "changelist"),
        {"action": "suspend", "_selected_action": [org_a.pk, org_b.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert set(Organization.objects.values_list("membership_status", flat=True)) == {
        Status.SUSPENDED
    }
    assert Affiliation.objects.current().count() == 2
    assert any(text.startswith("2 ") for text in messages_of(response))


def test_suspending_from_the_organisation_page_asks_then_suspends(coordinator_client, org_a):
    response = run_page_action(coordinator_client, org_a, "suspend")
    assert response.status_code == 200
    org_a.refresh_from_db()
    assert org_a.membership_status == Status.ACTIVE
    # The confirmation page posts back to the same page with the answer.
    response = coordinator_client.post(
        builders.admin_url(org_a, "change", org_a.pk),
        {"CHANGE_FORM-action": "suspend", "_selected_action": [org_a.pk], "post": "yes"},
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.membership_status == Status.SUSPENDED


def test_withdrawing_an_organisation_from_its_own_page(coordinator_client, org_a, employee_a):
    response = run_page_action(coordinator_client, org_a, "withdraw")
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.membership_status == Status.WITHDRAWN
    assert org_a.left_on == timezone.localdate()
    assert not Affiliation.objects.current().filter(organization=org_a).exists()
    assert any(text.startswith("1 ") for text in messages_of(response))


def test_the_change_page_offers_the_membership_actions(coordinator_client, org_a):
    response = coordinator_client.get(builders.admin_url(org_a, "change", org_a.pk))
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert {"activate", "suspend", "withdraw"} <= set(choices)


def test_publishing_and_archiving_services(coordinator_client, org_a):
    drafts = [factories.make_service(org_a, status=WelfareService.Status.DRAFT) for _ in range(3)]

    response = run_list_action(coordinator_client, WelfareService, "publish", drafts)
    assert response.status_code == 302
    assert any(text.startswith("3 ") for text in messages_of(response))
    for service in drafts:
        service.refresh_from_db()
        assert service.status == WelfareService.Status.PUBLISHED
        assert service.published_at is not None

    response = run_list_action(coordinator_client, WelfareService, "archive", drafts[:2])
    assert any(text.startswith("2 ") for text in messages_of(response))
    statuses = WelfareService.objects.order_by("pk").values_list("status", flat=True)
    assert list(statuses) == ["archived", "archived", "published"]


def test_approving_applications_from_the_list(coordinator_client, coordinator):
    applications = [builders.make_application() for _ in range(2)]
    response = run_list_action(coordinator_client, MembershipApplication, "approve", applications)
    assert response.status_code == 302
    assert any(text.startswith("2 ") for text in messages_of(response))
    for application in applications:
        application.refresh_from_db()
        assert application.status == MembershipApplication.Status.APPROVED
        assert application.reviewed_by == coordinator
        assert application.organization.membership_status == Status.ACTIVE


def reject_from_its_page(client, application, reason="Manca la certificazione."):
    """Rejecting asks for the reason on a page of its own, then rejects."""
    return client.post(
        builders.admin_url(application, "change", application.pk),
        {
            "CHANGE_FORM-action": "reject",
            "_selected_action": [application.pk],
            "post": "yes",
            "message": reason,
        },
    )


def test_rejecting_an_application_from_its_page_asks_for_the_reason_first(coordinator_client):
    application = builders.make_application()
    response = run_page_action(coordinator_client, application, "reject")
    assert response.status_code == 200
    assert 'name="message"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.SUBMITTED

    response = reject_from_its_page(coordinator_client, application)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    assert application.messages.get().text == "Manca la certificazione."
    assert not Organization.objects.exists()


def test_a_reviewed_application_is_not_reviewed_again(coordinator_client):
    application = builders.make_application()
    reject_from_its_page(coordinator_client, application)
    response = run_page_action(coordinator_client, application, "approve")
    application.refresh_from_db()
    assert application.status == MembershipApplication.Status.REJECTED
    assert any(text.startswith("0 ") for text in messages_of(response))


@pytest.mark.parametrize(
    ("model", "action"),
    [(Organization, "suspend"), (WelfareService, "publish"), (MembershipApplication, "approve")],
)
def test_actions_are_post_only_and_staff_only(client, employee_a, org_a, model, action):
    client.force_login(employee_a)
    response = client.post(
        builders.admin_url(model, "changelist"),
        {"action": action, "_selected_action": [org_a.pk], "index": 0},
    )
    assert response.status_code == 302
    assert "login" in response["Location"]
    org_a.refresh_from_db()
    assert org_a.membership_status == Status.ACTIVE


# --- Forms fill in what the database requires -------------------------------------------------


def test_activating_an_affiliation_in_the_form_records_who_verified_it(
    coordinator_client, coordinator, org_a
):
    person = factories.make_user("nuovo@gmail.example")
    pending = Affiliation.objects.create(user=person, organization=org_a)
    response = coordinator_client.post(
        builders.admin_url(pending, "change", pending.pk),
        {
            "user": person.pk,
            "organization": org_a.pk,
            "role": Affiliation.Role.EMPLOYEE,
            "status": Affiliation.Status.ACTIVE,
            "request_message": "",
            "verified_via": "",
            "verified_at_0": "",
            "verified_at_1": "",
            "verified_by": "",
            "ended_at_0": "",
            "ended_at_1": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.ACTIVE
    assert pending.verified_at is not None
    assert pending.verified_via == Affiliation.VerifiedVia.COORDINATOR
    assert pending.verified_by == coordinator


def test_the_coordinator_adds_an_organisation_with_its_domains_and_referent(
    coordinator_client, coordinator
):
    referent = factories.make_user("referente@nuova.example")
    data = {
        "name": "Nuova Cooperativa",
        "short_name": "",
        "slug": "nuova-cooperativa",
        "kind": Organization.Kind.COOPERATIVE,
        "role": Organization.Role.PARTNER,
        "headcount_band": "",
        "description": "",
        "website": "",
        "contact_email": "",
        "contact_phone": "",
        "address": "",
        "area": "Povo",
        "latitude": "",
        "longitude": "",
        "membership_status": Status.ACTIVE,
        "joined_on": "2025-03-01",
        "left_on": "",
        "email_domains-TOTAL_FORMS": "1",
        "email_domains-INITIAL_FORMS": "0",
        "email_domains-0-domain": "nuova.example",
        "certifications-TOTAL_FORMS": "1",
        "certifications-INITIAL_FORMS": "0",
        "certifications-0-phase": "family_audit",
        "certifications-0-status": "valid",
        "certifications-0-registered_on": "2023-01-10",
        "certifications-0-granted_on": "2024-01-10",
        "certifications-0-expires_on": "2027-01-10",
        "certifications-0-reference": "Determinazione n. 12",
        "referent_invitations-TOTAL_FORMS": "0",
        "referent_invitations-INITIAL_FORMS": "0",
        "affiliations-TOTAL_FORMS": "1",
        "affiliations-INITIAL_FORMS": "0",
        "affiliations-0-user": referent.pk,
        "affiliations-0-role": Affiliation.Role.REFERENT,
        "affiliations-0-status": Affiliation.Status.ACTIVE,
        "affiliations-0-verified_via": "",
        "affiliations-0-verified_at_0": "",
        "affiliations-0-verified_at_1": "",
        "affiliations-0-ended_at_0": "",
        "affiliations-0-ended_at_1": "",
    }
    response = coordinator_client.post(builders.admin_url(Organization, "add"), data)
    assert response.status_code == 302, response.context["errors"]
    organization = Organization.objects.get(slug="nuova-cooperativa")
    assert list(organization.email_domains.values_list("domain", flat=True)) == ["nuova.example"]
    assert organization.certifications.get().reference == "Determinazione n. 12"
    affiliation = organization.affiliations.get()
    assert affiliation.role == Affiliation.Role.REFERENT
    assert affiliation.verified_by == coordinator


def test_an_inconsistent_certification_gets_a_clear_message_and_saves_nothing(
    coordinator_client, org_a
):
    response = coordinator_client.post(
        builders.admin_url(Certification, "add"),
        {
            "organization": org_a.pk,
            "phase": "family_audit",
            "status": "valid",
            "registered_on": "2024-01-10",
            "granted_on": "2023-01-10",
            "expires_on": "",
            "reference": "",
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert response.context["errors"]
    assert not org_a.certifications.exists()


def test_publishing_from_the_service_form_fills_the_publication_date(coordinator_client, org_a):
    service = factories.make_service(org_a, status=WelfareService.Status.DRAFT)
    data = {
        "address": "Via Belenzani 19, Trento",
        "contact_email": "servizi@alfa.example",
        "provider": org_a.pk,
        "title": service.title,
        "slug": service.slug,
        "summary": service.summary,
        "description": service.description,
        "category": service.category_id,
        "eligibility": service.eligibility,
        "cost": service.cost,
        "status": WelfareService.Status.PUBLISHED,
        "published_at_0": "",
        "published_at_1": "",
    }
    response = coordinator_client.post(builders.admin_url(service, "change", service.pk), data)
    assert response.status_code == 302, response.context["errors"]
    service.refresh_from_db()
    assert service.status == WelfareService.Status.PUBLISHED
    assert service.published_at is not None
    assert service.published_at > timezone.now() - timedelta(minutes=1)


def test_searching_organisations_by_email_domain_lists_each_once(coordinator_client, org_a):
    EmailDomain.objects.create(organization=org_a, domain="mail.alfa.example")
    factories.affiliate(factories.make_user(), org_a)
    factories.affiliate(factories.make_user(), org_a)
    response = coordinator_client.get(builders.admin_url(Organization, "changelist") + "?q=alfa")
    results = list(response.context["cl"].result_list)
    assert results == [org_a]
    assert results[0].active_people == 2
