"""People keep a personal list of services to come back to."""

import pytest
from django.urls import reverse
from django.utils import translation

from services.models import SavedService, WelfareService
from tests import factories

Eligibility = WelfareService.Eligibility


@pytest.fixture(autouse=True)
def _fast_passwords_and_language(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def service(org_b):
    return factories.make_service(
        org_b, title="Palestra di Beta", slug="palestra-beta", eligibility=Eligibility.ALL_PARTNERS
    )


def save_url(service):
    return reverse("services:service-save", kwargs={"slug": service.slug})


def unsave_url(service):
    return reverse("services:service-unsave", kwargs={"slug": service.slug})


def test_an_employee_saves_a_service(client, employee_a, service):
    client.force_login(employee_a)
    response = client.post(save_url(service))
    assert response.status_code == 302
    assert response["Location"] == service.get_absolute_url()
    assert SavedService.objects.filter(user=employee_a, service=service).exists()


def test_saving_twice_keeps_one_entry(client, employee_a, service):
    client.force_login(employee_a)
    client.post(save_url(service))
    client.post(save_url(service))
    assert SavedService.objects.count() == 1


def test_the_saved_list_shows_only_ones_own_services(
    client, employee_a, employee_b, service, org_a
):
    other = factories.make_service(org_a, eligibility=Eligibility.EVERYONE)
    SavedService.objects.create(user=employee_a, service=service)
    SavedService.objects.create(user=employee_b, service=other)
    client.force_login(employee_a)
    response = client.get(reverse("services:saved-list"))
    assert [s.service for s in response.context["saved_services"]] == [service]
    assert "private" in response["Cache-Control"]


def test_removing_a_service_from_the_list(client, employee_a, service):
    SavedService.objects.create(user=employee_a, service=service)
    client.force_login(employee_a)
    response = client.post(unsave_url(service), {"next": reverse("services:saved-list")})
    assert response["Location"] == reverse("services:saved-list")
    assert not SavedService.objects.exists()


def test_services_no_longer_visible_are_hidden_but_counted(client, employee_a, service):
    SavedService.objects.create(user=employee_a, service=service)
    service.status = WelfareService.Status.ARCHIVED
    service.save()
    client.force_login(employee_a)
    response = client.get(reverse("services:saved-list"))
    assert list(response.context["saved_services"]) == []
    assert response.context["hidden_count"] == 1
    # ...and can still be removed.
    client.post(unsave_url(service))
    assert not SavedService.objects.exists()


def test_a_service_one_may_not_see_cannot_be_saved(client, unaffiliated, service):
    client.force_login(unaffiliated)
    assert client.post(save_url(service)).status_code == 404
    assert not SavedService.objects.exists()


def test_removing_a_service_not_in_the_list_is_404(client, employee_a, service):
    client.force_login(employee_a)
    assert client.post(unsave_url(service)).status_code == 404


def test_saving_needs_login_post_and_csrf(client, employee_a, service):
    response = client.post(save_url(service))
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(employee_a)
    assert client.get(save_url(service)).status_code == 405
    assert client.get(unsave_url(service)).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(employee_a)
    assert strict.post(save_url(service)).status_code == 403
    assert not SavedService.objects.exists()


def test_next_must_be_a_local_address(client, employee_a, service):
    client.force_login(employee_a)
    response = client.post(save_url(service), {"next": "//evil.example/"})
    assert response["Location"] == service.get_absolute_url()


def test_the_service_page_offers_save_and_then_remove(client, employee_a, service):
    client.force_login(employee_a)
    page = client.get(service.get_absolute_url()).content.decode()
    assert save_url(service) in page
    client.post(save_url(service))
    page = client.get(service.get_absolute_url()).content.decode()
    assert unsave_url(service) in page


@pytest.mark.parametrize("count", [5, 50])
def test_the_saved_list_runs_a_fixed_number_of_queries(
    client, employee_a, org_b, django_assert_max_num_queries, count
):
    for _ in range(count):
        saved = factories.make_service(org_b, eligibility=Eligibility.ALL_PARTNERS)
        SavedService.objects.create(user=employee_a, service=saved)
    client.force_login(employee_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("services:saved-list"))
    assert response.status_code == 200
    assert len(response.context["saved_services"]) == min(count, 20)


def test_the_empty_list_explains_how_to_save(client, employee_a):
    client.force_login(employee_a)
    response = client.get(reverse("services:saved-list"))
    assert 'id="empty-state"' in response.content.decode()
