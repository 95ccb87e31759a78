"""/servizi/<slug>/: everything needed to use a service, Open Graph tags, 404s, speed."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from partners.models import Organization
from services.models import WelfareService
from tests import factories


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def detail_url(service_or_slug):
    slug = getattr(service_or_slug, "slug", service_or_slug)
    return f"/en/servizi/{slug}/"


def meta(html, prop):
    found = re.search(rf'<meta property="{re.escape(prop)}" content="([^"]*)">', html)
    return unescape(found.group(1)) if found else None


@pytest.fixture
def service(org_a):
    category = factories.make_category("Sport e tempo libero", slug="sport")
    service = factories.make_service(
        org_a,
        category=category,
        title="Campus estivo & laboratori",
        slug="campus-estivo",
        summary="Due settimane di sport e giochi per bambini dai 6 ai 14 anni.",
        description="Il campus si svolge al parco.\n\nPranzo incluso.",
        cost=WelfareService.Cost.DISCOUNTED,
        cost_conditions="Sconto del 20% per i dipendenti delle organizzazioni del Distretto.",
        address="Via della Malpensada 140, Trento",
        area="Povo",
        is_online=True,
        contact_email="campus@alfa.example",
        contact_phone="0461 123 456",
        booking_url="https://prenota.alfa.example/campus",
        available_from=date(2020, 6, 15),
        available_until=date(2099, 9, 5),
        last_verified_on=date(2026, 3, 2),
    )
    service.audiences.add(
        factories.make_audience("6-14", name="Bambini 6–14 anni"),
        factories.make_audience("famiglie", name="Famiglie"),
    )
    return service


def test_the_page_shows_everything_needed_to_use_the_service(client, service):
    response = client.get(detail_url(service))
    assert response.status_code == 200
    html = response.content.decode()
    text = unescape(html)
    assert '<h1 id="service-title" lang="it">Campus estivo &amp; laboratori</h1>' in html
    # Who may use it
    assert "Open to everyone" in text
    assert "Bambini 6–14 anni" in text and "Famiglie" in text
    # Cost and conditions
    assert "Discounted / on favourable terms" in text
    assert "Sconto del 20% per i dipendenti" in text
    # Where
    assert "Via della Malpensada 140, Trento" in text
    assert "Povo" in text
    assert "also available online" in text
    # When
    assert "Available from 15 June 2020 to 5 September 2099." in text
    assert "You can use it now." in text
    # How to book and contacts
    assert 'href="https://prenota.alfa.example/campus"' in html
    assert 'href="mailto:campus@alfa.example"' in html
    assert 'href="tel:0461123456"' in html
    # Provider and freshness
    assert "Organizzazione Alfa" in text
    assert "Information last verified on 2 March 2026." in text
    assert "Pranzo incluso." in text


def test_the_provider_is_linked_to_its_profile(client, service):
    html = client.get(detail_url(service)).content.decode()
    try:
        profile = reverse("partners:organization-detail", kwargs={"slug": "alfa"})
    except NoReverseMatch:  # the partner directory is not wired yet
        assert "Organizzazione Alfa" in html
    else:
        assert f'<a href="{profile}">Organizzazione Alfa</a>' in html
    assert 'href="/en/servizi/?provider=alfa"' in html


def test_it_says_when_a_service_is_not_available_yet(client, org_a):
    start = timezone.localdate() + timedelta(days=10)
    service = factories.make_service(org_a, available_from=start)
    html = client.get(detail_url(service)).content.decode()
    assert "Not available yet: it starts on" in html
    assert "Not available today" in html


def test_it_says_when_a_service_has_ended(client, org_a):
    service = factories.make_service(org_a, available_until=date(2020, 1, 31))
    html = client.get(detail_url(service)).content.decode()
    assert "No longer available: the period has ended." in html


def test_a_service_for_all_year_says_so(client, org_a):
    service = factories.make_service(org_a)
    html = client.get(detail_url(service)).content.decode()
    assert "Available all year round." in html
    assert "Information published on" in html


def test_a_reserved_service_names_the_organisations_that_may_use_it(as_role, org_a, org_b):
    service = factories.make_service(org_b, eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS)
    service.eligible_organizations.add(org_a, org_b)
    html = as_role("employee_a").get(detail_url(service)).content.decode()
    block = html.split('id="eligible-organizations"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r"(Organizzazione \w+)</", block) == [
        "Organizzazione Alfa",
        "Organizzazione Beta",
    ]


def test_a_service_for_all_partners_says_so(as_role, org_a):
    service = factories.make_service(org_a, eligibility=WelfareService.Eligibility.ALL_PARTNERS)
    html = as_role("employee_a").get(detail_url(service)).content.decode()
    assert "Reserved to the employees of all the partner organisations" in html


def test_only_web_addresses_become_booking_links(client, org_a):
    service = factories.make_service(org_a, booking_url="javascript:alert(1)")
    html = client.get(detail_url(service)).content.decode()
    assert "javascript:" not in html


# Title, description and Open Graph ------------------------------------------------------------


def test_the_page_has_its_own_title_description_and_canonical(client, service):
    html = client.get(detail_url(service)).content.decode()
    assert "<title>Campus estivo &amp; laboratori – Welfare services – " in html
    assert (
        '<meta name="description" content="Due settimane di sport e giochi per bambini '
        'dai 6 ai 14 anni.">'
    ) in html
    assert f'<link rel="canonical" href="{settings.SITE_URL}/en/servizi/campus-estivo/">' in html


def test_the_page_has_open_graph_tags(client, service):
    html = client.get(detail_url(service)).content.decode()
    assert meta(html, "og:title") == "Campus estivo & laboratori"
    assert meta(html, "og:description") == service.summary
    assert meta(html, "og:url") == f"{settings.SITE_URL}/en/servizi/campus-estivo/"
    assert meta(html, "og:type") == "website"
    assert meta(html, "og:image") is None


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def test_the_image_becomes_the_open_graph_image(client, service):
    service.image = SimpleUploadedFile("campus.png", PNG, content_type="image/png")
    service.image_alt = "Bambini che giocano a calcio"
    service.save()
    html = client.get(detail_url(service)).content.decode()
    assert meta(html, "og:image") == f"{settings.SITE_URL}{service.image.url}"
    assert meta(html, "og:image:alt") == "Bambini che giocano a calcio"
    assert f'<img src="{service.image.url}" alt="Bambini che giocano a calcio"' in html


def test_the_page_needs_no_inline_script_or_style(client, service):
    html = client.get(detail_url(service)).content.decode()
    assert "style=" not in html
    assert "<style" not in html
    assert "<script>" not in html


# 404s ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug",
    ["does-not-exist", "a" * 300, "campus-estivo-", "CAMPUS-ESTIVO"],
)
def test_unknown_slugs_are_not_found(client, service, slug):
    assert client.get(detail_url(slug)).status_code == 404


@pytest.mark.parametrize(
    ("path", "status"),
    [
        # A NUL is refused before any view (common.middleware): PostgreSQL cannot hold it.
        ("/en/servizi/%00/", 400),
        ("/en/servizi/campus%00estivo/", 400),
        ("/en/servizi/caf%C3%A9/", 404),
        ("/en/servizi/caf%C0%AF/", 404),
    ],
)
def test_odd_paths_are_not_found_or_refused(client, service, path, status):
    assert client.get(path).status_code == status


@pytest.mark.parametrize("status", [WelfareService.Status.DRAFT, WelfareService.Status.ARCHIVED])
def test_drafts_and_archived_services_are_not_found(client, org_a, status):
    service = factories.make_service(org_a, status=status, published_at=timezone.now())
    assert client.get(detail_url(service)).status_code == 404


def test_services_of_a_suspended_provider_are_not_found(client, org_a):
    service = factories.make_service(org_a)
    Organization.objects.filter(pk=org_a.pk).update(
        membership_status=Organization.MembershipStatus.SUSPENDED
    )
    assert client.get(detail_url(service)).status_code == 404


def test_the_page_answers_only_safe_methods(client, service):
    assert client.head(detail_url(service)).status_code == 200
    assert client.post(detail_url(service)).status_code == 405


def test_the_page_is_in_italian_by_default(client, service):
    response = client.get(f"/servizi/{service.slug}/")
    assert response.status_code == 200
    assert '<html lang="it"' in response.content.decode()


# Speed -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 200])
@pytest.mark.parametrize("role", ["anonymous", "employee_a", "coordinator"])
def test_the_page_runs_a_fixed_number_of_queries(
    as_role, org_a, org_b, django_assert_max_num_queries, size, role
):
    category = factories.make_category()
    audiences = [factories.make_audience() for _ in range(3)]
    # Visitors see the open services; the others a service reserved to chosen organisations.
    eligibility = (
        WelfareService.Eligibility.EVERYONE
        if role == "anonymous"
        else WelfareService.Eligibility.CHOSEN_PARTNERS
    )
    organizations = [org_a, org_b] + [factories.make_organization() for _ in range(size // 20)]
    services = WelfareService.objects.bulk_create(
        WelfareService(
            provider=org_a,
            category=category,
            title=f"Servizio {i}",
            slug=f"servizio-{i}",
            summary="Sintesi.",
            description="Descrizione.",
            cost=WelfareService.Cost.FREE,
            eligibility=eligibility,
            status=WelfareService.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        for i in range(size)
    )
    target = services[-1]
    target.audiences.add(*audiences)
    target.eligible_organizations.add(*organizations)
    client = as_role(role)
    with django_assert_max_num_queries(10):
        response = client.get(detail_url(target))
    assert response.status_code == 200
    if role != "anonymous":
        assert response.content.decode().count("Organizzazione") >= len(organizations)
