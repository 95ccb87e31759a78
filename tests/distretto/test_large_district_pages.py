"""Pages that must stay small and quick however large the district grows: the sitemap
index and its files, a partner's page (paginated), the catalogue's provider type-ahead, and
the benchmark's floor view."""

import re

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from distretto import sitemaps, views
from services.models import WelfareService
from tests import factories

LOC = re.compile(r"<loc>([^<]+)</loc>")


def locations(response):
    return LOC.findall(response.content.decode())


@pytest.fixture
def big_provider(db):
    provider = factories.make_organization("Cooperativa Grande", slug="grande")
    category = factories.make_category()
    for n in range(30):
        factories.make_service(
            provider, category=category, title=f"Servizio numero {n:02d}", slug=f"servizio-{n:02d}"
        )
    return provider


def test_the_sitemap_index_lists_one_file_per_page_of_each_section(
    client, big_provider, monkeypatch
):
    monkeypatch.setattr(sitemaps.WelfareServiceSitemap, "limit", 20)
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert index["Content-Type"] == "application/xml"
    files = locations(index)
    site = settings.SITE_URL
    # 30 services in two languages: 60 addresses, three files of 20.
    assert [f for f in files if "services" in f] == [
        f"{site}/sitemap-services.xml",
        f"{site}/sitemap-services.xml?p=2",
        f"{site}/sitemap-services.xml?p=3",
    ]
    assert f"{site}/sitemap-pages.xml" in files
    seen = []
    for address in [f for f in files if "services" in f]:
        response = client.get(address.removeprefix(site))
        assert response.status_code == 200
        urls = re.findall(r"<url>", response.content.decode())
        assert len(urls) <= 20
        seen += [loc for loc in locations(response) if "/servizi/" in loc]
    # Every service, in both languages, exactly once across the files.
    assert len(seen) == len(set(seen)) == 60
    assert client.get("/sitemap-services.xml?p=4").status_code == 404


def test_sitemap_files_hold_at_most_ten_thousand_addresses():
    for sitemap in sitemaps.sitemaps.values():
        assert sitemap.limit <= 10_000


def test_a_partner_page_lists_its_services_a_page_at_a_time(client, big_provider):
    html = client.get("/en/partner/grande/").content.decode()
    assert "30 services" in html
    titles = re.findall(r"Servizio numero (\d\d)", html)
    assert titles == [f"{n:02d}" for n in range(24)]
    assert 'aria-label="Pages of the organisation\'s services"' in html
    second = client.get("/en/partner/grande/", {"page": 2}).content.decode()
    assert re.findall(r"Servizio numero (\d\d)", second) == [f"{n:02d}" for n in range(24, 30)]
    # A page number past the end shows the last page, never an error.
    assert client.get("/en/partner/grande/", {"page": 99}).status_code == 200


def test_the_provider_filter_is_a_text_field_not_a_list_of_every_organisation(client, db):
    provider = factories.make_organization("Università degli Studi di Trento", slug="unitn")
    factories.make_service(provider, title="Nido universitario")
    other = factories.make_organization("Fondazione Bruno Kessler", slug="fbk")
    factories.make_service(other, title="Campus estivo")
    html = client.get("/en/servizi/").content.decode()
    assert 'id="id_provider"' in html
    field = html.split('id="id_provider"', 1)[0].rsplit("<", 1)[1]
    assert field.startswith("input")
    assert "Università degli Studi di Trento</option>" not in html
    assert "js/provider-typeahead" in html
    assert 'data-suggest-url="/en/servizi/organizzazioni.json"' in html


def test_the_provider_filter_takes_a_typed_name_without_javascript(client, db):
    provider = factories.make_organization("Università degli Studi di Trento", slug="unitn")
    factories.make_service(provider, title="Nido universitario")
    other = factories.make_organization("Fondazione Bruno Kessler", slug="fbk")
    factories.make_service(other, title="Campus estivo")
    for typed in [
        "Università degli Studi di Trento",
        "  università degli studi di trento ",
        "unitn",
    ]:
        html = client.get("/en/servizi/", {"provider": typed}).content.decode()
        assert "Nido universitario" in html, typed
        assert "Campus estivo" not in html, typed
        assert 'value="Università degli Studi di Trento"' in html
        assert "ignored-filters" not in html
    html = client.get("/en/servizi/", {"provider": "Nessuno"}).content.decode()
    assert 'id="ignored-filters"' in html
    assert "Campus estivo" in html


def test_provider_suggestions_match_words_without_accents_best_first(client, db):
    for name, slug in [
        ("Università degli Studi di Trento", "unitn"),
        ("Fondazione Trentina per l'Università", "ftu"),
        ("Cooperativa Sociale Trento", "cst"),
    ]:
        factories.make_service(factories.make_organization(name, slug=slug))
    found = client.get("/en/servizi/organizzazioni.json", {"q": "universita"}).json()
    assert [r["slug"] for r in found["results"]] == ["unitn", "ftu"]
    found = client.get("/en/servizi/organizzazioni.json", {"q": "trento sociale"}).json()
    assert [r["slug"] for r in found["results"]] == ["cst"]
    assert client.get("/en/servizi/organizzazioni.json").json() == {"results": []}
    hostile = client.get("/en/servizi/organizzazioni.json", {"q": "x" * 5000 + "\u202e"})
    assert hostile.status_code == 200


def test_provider_suggestions_follow_what_the_person_may_see(client, org_a, employee_a):
    provider = factories.make_organization("Cooperativa Riservata", slug="riservata")
    factories.make_service(provider, eligibility=WelfareService.Eligibility.ALL_PARTNERS)
    assert client.get("/en/servizi/organizzazioni.json", {"q": "riservata"}).json() == {
        "results": []
    }
    client.force_login(employee_a)
    found = client.get("/en/servizi/organizzazioni.json", {"q": "riservata"}).json()
    assert found["results"] == [{"slug": "riservata", "name": "Cooperativa Riservata"}]


def test_the_floor_view_exists_only_for_the_benchmark():
    assert not settings.BENCH_FLOOR_VIEW
    with pytest.raises(NoReverseMatch):
        reverse("bench-floor")
    response = views.bench_floor(RequestFactory().get("/bench/floor"))
    assert response.status_code == 200
    assert response.content == b"ok"
