"""Referents create, edit, preview, publish, archive, duplicate and confirm their services."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from services.models import WelfareService
from services.slugs import RESERVED_SLUGS, unique_service_slug
from tests import factories
from tests.area.helpers import en, service_data

Status = WelfareService.Status


@pytest.fixture
def client_a(client, referent_a):
    client.force_login(referent_a)
    return client


def create(client, data):
    return client.post(reverse("area:service-create"), data)


# --- Create ---------------------------------------------------------------------------------


def test_a_new_service_is_a_draft_of_the_referents_organisation(client_a, org_a, category):
    audience = factories.make_audience("6-14", name="6–14 anni")
    response = create(client_a, service_data(category, audiences=[audience.pk]))
    service = WelfareService.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("area:service-preview", kwargs={"slug": service.slug})
    assert service.provider == org_a
    assert service.status == Status.DRAFT
    assert service.slug == "centro-estivo-per-bambini"
    assert list(service.audiences.all()) == [audience]
    assert service.created_by.email == "carla@alfa.example"
    assert LogEntry.objects.filter(object_id=str(service.pk)).exists()


def test_a_forged_provider_field_is_ignored(client_a, org_a, org_b, category):
    """The provider comes from the session's organisation, never from the form."""
    data = service_data(category, provider=str(org_b.pk), provider_id=str(org_b.pk))
    data["status"] = "published"
    create(client_a, data)
    service = WelfareService.objects.get()
    assert service.provider == org_a
    assert service.status == Status.DRAFT


def test_editing_cannot_move_a_service_to_another_organisation(client_a, org_a, org_b, draft_a):
    data = service_data(draft_a.category, provider=str(org_b.pk), title="Bozza rinominata")
    client_a.post(reverse("area:service-edit", kwargs={"slug": draft_a.slug}), data)
    draft_a.refresh_from_db()
    assert draft_a.title == "Bozza rinominata"
    assert draft_a.provider == org_a


def test_a_referent_of_two_organisations_creates_for_the_chosen_one(
    client, referent_ab, org_a, org_b, category
):
    client.force_login(referent_ab)
    client.post(reverse("area:organization-switch"), {"organization": org_b.pk})
    create(client, service_data(category, provider=str(org_a.pk)))
    assert WelfareService.objects.get().provider == org_b


def test_the_same_title_gets_a_new_slug(client_a, org_a, category):
    create(client_a, service_data(category))
    create(client_a, service_data(category))
    slugs = sorted(WelfareService.objects.values_list("slug", flat=True))
    assert slugs == ["centro-estivo-per-bambini", "centro-estivo-per-bambini-2"]


@pytest.mark.parametrize("reserved", sorted(RESERVED_SLUGS))
def test_slugs_of_fixed_pages_are_never_given_to_a_service(db, reserved):
    title = reserved.replace("-", " ")
    assert unique_service_slug(title) == f"{reserved}-2"


def test_a_title_without_letters_still_gets_a_slug(db):
    assert unique_service_slug("!!!") == "servizio"


# --- Validation: every rule explains itself, nothing is saved ---------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "Ab"}, "title"),
        ({"summary": "Troppo breve"}, "summary"),
        ({"summary": "x" * 301}, "summary"),
        ({"description": "Poche parole."}, "description"),
        ({"category": ""}, "category"),
        ({"category": "999999"}, "category"),
        ({"cost": ""}, "cost"),
        ({"cost": "gratis"}, "cost"),
        ({"cost": "discounted", "cost_conditions": ""}, "cost_conditions"),
        ({"cost": "paid", "cost_conditions": "  "}, "cost_conditions"),
        ({"eligibility": "chosen_partners"}, "eligible_organizations"),
        ({"eligibility": "nobody"}, "eligibility"),
        ({"address": "", "is_online": ""}, "address"),
        ({"contact_email": "", "contact_phone": "", "booking_url": ""}, "contact_email"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"booking_url": "javascript:alert(1)"}, "booking_url"),
        ({"booking_url": "ftp://files.example.org/x"}, "booking_url"),
        ({"available_from": "2026-09-01", "available_until": "2026-06-30"}, "available_until"),
        ({"available_from": "31/02/2026"}, "available_from"),
    ],
)
def test_invalid_services_are_refused_with_a_message(client_a, category, overrides, field):
    response = create(client_a, service_data(category, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'id="form-errors"' in response.content.decode()
    assert not WelfareService.objects.exists()


def test_chosen_partners_must_be_active_organisations(client_a, category):
    applicant = factories.make_organization(membership_status="applicant", joined_on=None)
    data = service_data(
        category, eligibility="chosen_partners", eligible_organizations=[applicant.pk]
    )
    response = create(client_a, data)
    assert "eligible_organizations" in response.context["form"].errors
    assert not WelfareService.objects.exists()


def test_chosen_partners_are_saved_only_for_that_eligibility(client_a, org_a, org_b, category):
    create(
        client_a,
        service_data(category, eligibility="chosen_partners", eligible_organizations=[org_b.pk]),
    )
    create(
        client_a,
        service_data(
            category, title="Per tutti", eligibility="everyone", eligible_organizations=[org_b.pk]
        ),
    )
    reserved = WelfareService.objects.get(eligibility="chosen_partners")
    everyone = WelfareService.objects.get(eligibility="everyone")
    assert list(reserved.eligible_organizations.all()) == [org_b]
    assert not everyone.eligible_organizations.exists()


def test_an_online_service_needs_no_address(client_a, category):
    create(client_a, service_data(category, address="", is_online="on"))
    assert WelfareService.objects.get().is_online


def test_errors_are_explained_in_english_under_en(client_a, category):
    response = client_a.post(en("area:service-create"), service_data(category, summary="Breve"))
    assert "The summary must be at least 20 characters long" in response.content.decode()


# --- Edit -----------------------------------------------------------------------------------


def test_editing_keeps_the_slug_and_the_status(client_a, service_a):
    data = service_data(service_a.category, title="Nido aziendale di Alfa")
    response = client_a.post(reverse("area:service-edit", kwargs={"slug": service_a.slug}), data)
    assert response.status_code == 302
    service_a.refresh_from_db()
    assert service_a.title == "Nido aziendale di Alfa"
    assert service_a.slug == "nido-alfa"
    assert service_a.status == Status.PUBLISHED


def test_an_invalid_edit_changes_nothing(client_a, service_a):
    data = service_data(service_a.category, title="Nuovo titolo", summary="corta")
    response = client_a.post(reverse("area:service-edit", kwargs={"slug": service_a.slug}), data)
    assert response.status_code == 200
    service_a.refresh_from_db()
    assert service_a.title == "Nido di Alfa"


def test_the_edit_form_shows_the_current_values(client_a, service_a):
    response = client_a.get(reverse("area:service-edit", kwargs={"slug": service_a.slug}))
    assert response.status_code == 200
    assert 'value="Nido di Alfa"' in response.content.decode()


def test_an_unknown_slug_is_404(client_a, db):
    response = client_a.get(reverse("area:service-edit", kwargs={"slug": "non-esiste"}))
    assert response.status_code == 404


# --- Preview --------------------------------------------------------------------------------


def test_the_preview_shows_a_draft_to_its_referents(client_a, draft_a):
    response = client_a.get(reverse("area:service-preview", kwargs={"slug": draft_a.slug}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Bozza di Alfa" in content
    assert 'id="preview-banner"' in content
    assert reverse("area:service-publish", kwargs={"slug": draft_a.slug}) in content
    # No request or save form on something that may not be public.
    assert 'id="service-actions"' not in content


def test_the_coordinator_previews_any_draft_without_edit_buttons(client, coordinator, draft_b):
    client.force_login(coordinator)
    response = client.get(reverse("area:service-preview", kwargs={"slug": draft_b.slug}))
    assert response.status_code == 200
    assert reverse("area:service-publish", kwargs={"slug": draft_b.slug}) not in (
        response.content.decode()
    )


def test_drafts_are_not_in_the_public_catalogue(client, referent_a, draft_a):
    client.force_login(referent_a)
    assert client.get(draft_a.get_absolute_url()).status_code == 404


def test_the_referent_of_a_cannot_preview_the_drafts_of_b(client_a, draft_b):
    response = client_a.get(reverse("area:service-preview", kwargs={"slug": draft_b.slug}))
    assert response.status_code == 404


# --- Publish, archive, duplicate, confirm ---------------------------------------------------


def test_publishing_puts_the_draft_in_the_catalogue(client_a, draft_a):
    response = client_a.post(reverse("area:service-publish", kwargs={"slug": draft_a.slug}))
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.status == Status.PUBLISHED
    assert WelfareService.objects.visible_to(None).filter(pk=draft_a.pk).exists()


def test_publishing_twice_gives_a_message_not_an_error(client_a, service_a):
    url = en("area:service-publish", slug=service_a.slug)
    response = client_a.post(url, follow=True)
    assert response.status_code == 200
    assert "already published" in response.content.decode()


def test_archiving_takes_the_service_out_of_the_catalogue(client_a, service_a):
    client_a.post(reverse("area:service-archive", kwargs={"slug": service_a.slug}))
    service_a.refresh_from_db()
    assert service_a.status == Status.ARCHIVED


def test_after_an_action_the_referent_goes_back_to_a_local_page_only(client_a, draft_a):
    url = reverse("area:service-publish", kwargs={"slug": draft_a.slug})
    response = client_a.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("area:service-list")
    draft_a.status = Status.DRAFT
    draft_a.save()
    preview = reverse("area:service-preview", kwargs={"slug": draft_a.slug})
    response = client_a.post(url, {"next": preview})
    assert response["Location"] == preview


def test_duplicating_makes_a_draft_copy_with_audiences_and_chosen_partners(
    client_a, org_a, org_b, service_a
):
    audience = factories.make_audience()
    service_a.audiences.add(audience)
    service_a.eligibility = WelfareService.Eligibility.CHOSEN_PARTNERS
    service_a.save()
    service_a.eligible_organizations.add(org_b)
    response = client_a.post(reverse("area:service-duplicate", kwargs={"slug": service_a.slug}))
    copy = WelfareService.objects.exclude(pk=service_a.pk).get()
    assert response["Location"] == reverse("area:service-edit", kwargs={"slug": copy.slug})
    assert copy.status == Status.DRAFT
    assert copy.provider == org_a
    assert copy.slug != service_a.slug
    assert copy.title.startswith("Nido di Alfa")
    assert copy.published_at is None
    assert list(copy.audiences.all()) == [audience]
    assert list(copy.eligible_organizations.all()) == [org_b]
    assert copy.summary == service_a.summary


def test_confirming_updates_the_last_verified_date(client_a, service_a):
    client_a.post(reverse("area:service-confirm", kwargs={"slug": service_a.slug}))
    service_a.refresh_from_db()
    assert service_a.last_verified_on == timezone.localdate()


def test_an_archived_service_cannot_be_confirmed(client_a, org_a, category):
    archived = factories.make_service(org_a, category=category, status=Status.ARCHIVED)
    client_a.post(reverse("area:service-confirm", kwargs={"slug": archived.slug}))
    archived.refresh_from_db()
    assert archived.last_verified_on is None


# --- List -----------------------------------------------------------------------------------


def test_the_list_shows_only_the_organisations_services(client_a, draft_a, service_a, draft_b):
    response = client_a.get(reverse("area:service-list"))
    slugs = {service.slug for service in response.context["services"]}
    assert slugs == {"bozza-alfa", "nido-alfa"}


def test_the_list_filters_by_status_and_title(client_a, draft_a, service_a):
    response = client_a.get(reverse("area:service-list"), {"status": "draft"})
    assert [s.slug for s in response.context["services"]] == ["bozza-alfa"]
    response = client_a.get(reverse("area:service-list"), {"q": "nido"})
    assert [s.slug for s in response.context["services"]] == ["nido-alfa"]
    response = client_a.get(reverse("area:service-list"), {"status": "bogus", "page": "x"})
    assert response.status_code == 200
    assert len(response.context["services"]) == 2


def test_the_list_flags_services_not_confirmed_for_six_months(client_a, org_a, category):
    old = factories.make_service(
        org_a, category=category, published_at=timezone.now() - timedelta(days=400)
    )
    factories.make_service(org_a, category=category, last_verified_on=timezone.localdate())
    response = client_a.get(reverse("area:service-list"), {"to_verify": "1"})
    assert [s.pk for s in response.context["services"]] == [old.pk]
    assert response.context["services"][0].needs_check


def test_the_empty_list_explains_what_to_do(client_a, db):
    response = client_a.get(reverse("area:service-list"))
    assert 'id="empty-state"' in response.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_the_service_list_runs_a_fixed_number_of_queries(
    client_a, org_a, category, employee_a, django_assert_max_num_queries, count
):
    for n in range(count):
        service = factories.make_service(org_a, category=category, title=f"Servizio {n:03}")
        service.requests.create(requester=employee_a, requester_organization=org_a)
    with django_assert_max_num_queries(8):
        response = client_a.get(reverse("area:service-list"))
    assert response.status_code == 200
    assert len(response.context["services"]) == min(count, 20)
