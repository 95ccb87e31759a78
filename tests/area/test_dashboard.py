"""The referent's overview of their organisation."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Certification
from services.models import ServiceRequest, WelfareService
from tests import factories
from tests.area.helpers import en, pending_affiliation


@pytest.fixture
def client_a(client, referent_a):
    client.force_login(referent_a)
    return client


def test_the_dashboard_counts_the_organisations_services_by_status(
    client_a, org_a, org_b, category
):
    for status, n in [("draft", 2), ("published", 3), ("archived", 1)]:
        for _ in range(n):
            factories.make_service(org_a, category=category, status=status)
    factories.make_service(org_b, category=category)
    response = client_a.get(reverse("area:dashboard"))
    counts = response.context["service_counts"]
    assert (counts["draft"], counts["published"], counts["archived"]) == (2, 3, 1)
    assert counts["total"] == 6


def test_the_dashboard_shows_open_requests_and_pending_people(
    client_a, org_a, org_b, service_a, employee_b, category
):
    ServiceRequest.objects.create(service=service_a, requester=employee_b)
    ServiceRequest.objects.create(service=service_a, requester=employee_b, status="accepted")
    other = factories.make_service(org_b, category=category)
    ServiceRequest.objects.create(service=other, requester=employee_b)
    pending_affiliation(org_a)
    pending_affiliation(org_b)
    response = client_a.get(reverse("area:dashboard"))
    assert response.context["open_request_count"] == 1
    assert response.context["pending_affiliation_count"] == 1
    assert [r.service for r in response.context["recent_requests"]] == [service_a]


def test_the_dashboard_warns_about_an_expiring_certification(client_a, org_a):
    soon = timezone.localdate() + timedelta(days=30)
    factories.make_certification(org_a, granted_on=date(2020, 1, 1), expires_on=soon)
    response = client_a.get(en("area:dashboard"))
    assert response.context["certification_warning"] == "expiring"
    assert 'id="certification-warning"' in response.content.decode()


def test_the_dashboard_shows_the_latest_certification(client_a, org_a):
    factories.make_certification(
        org_a,
        status=Certification.Status.EXPIRED,
        granted_on=date(2015, 1, 1),
        expires_on=date(2018, 1, 1),
    )
    latest = factories.make_certification(
        org_a,
        phase=Certification.Phase.MAINTENANCE,
        granted_on=date(2021, 5, 1),
        expires_on=date(2030, 5, 1),
    )
    response = client_a.get(reverse("area:dashboard"))
    assert response.context["certification"] == latest
    assert response.context["certification_warning"] == ""


def test_the_dashboard_says_when_no_certification_is_on_file(client_a, db):
    response = client_a.get(en("area:dashboard"))
    assert response.context["certification"] is None
    assert "No certification is on file" in response.content.decode()


def test_the_dashboard_flags_services_to_confirm(client_a, org_a, category):
    factories.make_service(
        org_a, category=category, published_at=timezone.now() - timedelta(days=365)
    )
    factories.make_service(
        org_a,
        category=category,
        published_at=timezone.now() - timedelta(days=365),
        last_verified_on=timezone.localdate(),
    )
    response = client_a.get(reverse("area:dashboard"))
    assert response.context["service_counts"]["to_verify"] == 1


@pytest.mark.parametrize("count", [5, 50])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    client_a, org_a, category, employee_b, django_assert_max_num_queries, count
):
    factories.make_certification(org_a)
    for n in range(count):
        service = factories.make_service(
            org_a, category=category, status=["draft", "published", "archived"][n % 3]
        )
        ServiceRequest.objects.create(service=service, requester=employee_b)
        pending_affiliation(org_a)
    with django_assert_max_num_queries(10):
        response = client_a.get(reverse("area:dashboard"))
    assert response.status_code == 200
    assert response.context["service_counts"]["total"] == count
    assert WelfareService.objects.count() == count
