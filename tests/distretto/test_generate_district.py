"""`manage.py generate_district`, and the pages `make bench` measures at two sizes of it.

The generated district has every case the visibility rules tell apart; the pages of the
benchmark table run the same number of SQL queries whatever its size (on a cold cache: the
worst case), and none for a visitor once the page is cached.
"""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from distretto.generate import GENERATED_MARKER, generate_district
from partners.models import Affiliation, Organization
from services.models import WelfareService
from tests import factories


def test_it_generates_every_case_the_visibility_rules_tell_apart(db):
    report = generate_district(organizations=40, services=400, users=300, seed=3)
    assert (report.organizations, report.services, report.users) == (40, 400, 300)
    services = WelfareService.objects
    for status in WelfareService.Status.values:
        assert services.filter(status=status).exists(), status
    for eligibility in WelfareService.Eligibility.values:
        assert services.filter(status="published", eligibility=eligibility).exists()
    chosen = services.filter(eligibility="chosen_partners")
    assert chosen.filter(eligible_organizations__isnull=False).distinct().count() == chosen.count()
    for status in ("active", "suspended"):
        assert Organization.objects.filter(membership_status=status).exists(), status
    for status in Affiliation.Status.values:
        assert Affiliation.objects.filter(status=status).exists(), status
    assert Affiliation.objects.referents().exists()
    # People without an organisation, and a verified primary address for everybody.
    assert get_user_model().objects.filter(affiliations__isnull=True).exists()
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 300
    # Sizes are skewed: the biggest provider offers many more services than the median one.
    sizes = sorted(Organization.objects.annotate(n=Count("services")).values_list("n", flat=True))
    assert sizes[-1] >= 5 * sizes[len(sizes) // 2]
    # Every published service obeys the model's rules, as if a referent had saved it.
    for service in services.filter(status="published")[:50]:
        service.full_clean()


def test_one_password_hash_is_shared_by_every_generated_account(db):
    generate_district(organizations=3, services=10, users=20, seed=1)
    assert get_user_model().objects.values("password").distinct().count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search documents: PostgreSQL")
def test_generated_services_have_their_search_document(db):
    generate_district(organizations=3, services=20, users=5, seed=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM services_welfareservice WHERE search_document IS NULL "
            "OR search_document = ''::tsvector"
        )
        assert cursor.fetchone()[0] == 0


def test_the_command_refuses_a_database_with_real_data(db):
    factories.make_organization("Comune di Trento")
    with translation.override("en"), pytest.raises(CommandError, match="not generated"):
        call_command("generate_district", organizations=2, services=4, users=4)
    assert not Organization.objects.filter(description__startswith=GENERATED_MARKER).exists()
    call_command("generate_district", organizations=2, services=4, users=4, force=True)
    assert Organization.objects.filter(description__startswith=GENERATED_MARKER).count() == 2


def test_the_command_adds_to_a_generated_district(db):
    call_command("generate_district", organizations=2, services=4, users=4, seed=1)
    call_command("generate_district", organizations=2, services=4, users=4, seed=1)
    assert WelfareService.objects.count() == 8
    assert Organization.objects.count() == 4


# --- The benchmark's pages at two sizes ----------------------------------------------------


def bench_pages() -> dict[str, str]:
    """The pages of `make bench` (deploy/bench/prepare.py chooses them the same way)."""
    catalogue = reverse("services:service-list")
    service = WelfareService.objects.visible_to(None).order_by("pk").first()
    biggest = (
        Organization.objects.active()
        .annotate(total=Count("services"))
        .order_by("-total", "pk")
        .first()
    )
    return {
        "home": reverse("home"),
        "catalogue": catalogue,
        "catalogue-filter": f"{catalogue}?category={service.category.slug}&cost=free",
        "catalogue-search": f"{catalogue}?q=nido",
        "catalogue-page-50": f"{catalogue}?page=50",
        "service": service.get_absolute_url(),
        "partner": biggest.get_absolute_url(),
        "sitemap-index": reverse("sitemap"),
        "sitemap": reverse("sitemap-section", kwargs={"section": "services"}),
    }


def employee():
    return (
        Affiliation.objects.current()
        .filter(role="employee", user__is_active=True, organization__membership_status="active")
        .order_by("organization_id", "pk")
        .first()
        .user
    )


def measure(client):
    counts = {}
    for role in ("anonymous", "employee"):
        client.logout()
        if role == "employee":
            client.force_login(employee())
        for page, path in bench_pages().items():
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (role, page)
            counts[role, page] = len(queries)
    return counts


def test_every_benchmarked_page_runs_as_many_queries_at_both_sizes(client, db):
    generate_district(organizations=4, services=100, users=30, seed=1)
    assert "nido" in " ".join(WelfareService.objects.values_list("title", flat=True)).lower()
    small = measure(client)
    generate_district(organizations=30, services=1200, users=300, seed=2)
    large = measure(client)
    assert large == small


def test_a_visitor_gets_every_cached_benchmarked_page_without_a_query(
    client, db, django_assert_num_queries
):
    generate_district(organizations=4, services=30, users=30, seed=1)
    for page, path in bench_pages().items():
        client.get(path)
        with django_assert_num_queries(0):
            assert client.get(path).status_code == 200, page
