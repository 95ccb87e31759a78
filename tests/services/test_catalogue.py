"""The catalogue /servizi/: filters in the query string, counts, pagination, bad input, speed."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.utils import timezone

from partners.models import Organization
from services.models import WelfareService
from tests import factories

LIST_URL = "/en/servizi/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def bulk_services(provider, category, count, **fields):
    """`count` published services in one query, newest last."""
    now = timezone.now()
    return WelfareService.objects.bulk_create(
        WelfareService(
            provider=provider,
            category=category,
            title=f"Servizio numero {i:04d}",
            slug=f"servizio-numero-{i:04d}",
            summary="Un servizio per le famiglie del Distretto.",
            description="Descrizione del servizio.",
            cost=WelfareService.Cost.FREE,
            eligibility=WelfareService.Eligibility.EVERYONE,
            status=WelfareService.Status.PUBLISHED,
            published_at=now - timedelta(minutes=count - i),
            **fields,
        )
        for i in range(count)
    )


def result_titles(response):
    html = response.content.decode()
    block = html.split('id="service-results"', 1)
    if len(block) == 1:
        return []
    block = block[1].split("</ul>\n", 1)[0]
    return [
        unescape(t)
        for t in re.findall(
            r'<h3 class="card-title[^"]*"(?: lang="it")?>\s*<a href="[^"]+">([^<]+)</a>', block
        )
    ]


@pytest.fixture
def catalogue(org_a, org_b):
    """A small catalogue with one service for every filter to find."""
    sport = factories.make_category("Sport e tempo libero", slug="sport")
    care = factories.make_category("Cura dei figli", slug="cura-figli")
    kids = factories.make_audience("0-3", name="Bambini 0–3 anni")
    elderly = factories.make_audience("anziani", name="Anziani")
    today = timezone.localdate()
    camp = factories.make_service(
        org_a,
        category=sport,
        title="Campus estivo",
        slug="campus-estivo",
        cost=WelfareService.Cost.DISCOUNTED,
        area="Povo",
        published_at=timezone.now() - timedelta(days=3),
    )
    camp.audiences.add(kids)
    nursery = factories.make_service(
        org_b,
        category=care,
        title="Asilo nido aziendale",
        slug="asilo-nido",
        cost=WelfareService.Cost.PAID,
        area="Centro storico",
        published_at=timezone.now() - timedelta(days=1),
    )
    nursery.audiences.add(kids)
    gym = factories.make_service(
        org_a,
        category=sport,
        title="Palestra per anziani",
        slug="palestra-anziani",
        area="Povo",
        available_from=today + timedelta(days=30),
        published_at=timezone.now() - timedelta(days=2),
    )
    gym.audiences.add(elderly)
    reserved = factories.make_service(
        org_a,
        category=care,
        title="Baby sitting per i dipendenti",
        slug="baby-sitting",
        eligibility=WelfareService.Eligibility.ALL_PARTNERS,
        published_at=timezone.now() - timedelta(days=5),
    )
    return {"camp": camp, "nursery": nursery, "gym": gym, "reserved": reserved}


# Listing and filters ------------------------------------------------------------------------


def test_it_lists_the_services_a_visitor_may_see_newest_first(client, catalogue):
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert result_titles(response) == [
        "Asilo nido aziendale",
        "Palestra per anziani",
        "Campus estivo",
    ]
    assert "3 services found" in response.content.decode()


def test_it_orders_by_title_when_asked(client, catalogue):
    response = client.get(LIST_URL, {"order": "az"})
    assert result_titles(response) == [
        "Asilo nido aziendale",
        "Campus estivo",
        "Palestra per anziani",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "sport"}, {"Campus estivo", "Palestra per anziani"}),
        ({"provider": "beta"}, {"Asilo nido aziendale"}),
        ({"audience": "0-3"}, {"Campus estivo", "Asilo nido aziendale"}),
        ({"cost": "discounted"}, {"Campus estivo"}),
        ({"cost": "free"}, {"Palestra per anziani"}),
        ({"area": "Povo"}, {"Campus estivo", "Palestra per anziani"}),
        ({"available": "now"}, {"Campus estivo", "Asilo nido aziendale"}),
        ({"category": "sport", "area": "Povo", "audience": "anziani"}, {"Palestra per anziani"}),
        ({"q": "asilo"}, {"Asilo nido aziendale"}),
    ],
)
def test_each_filter_narrows_the_list(client, catalogue, params, expected):
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    assert set(result_titles(response)) == expected


def test_an_employee_can_filter_by_who_may_use_a_service(as_role, catalogue):
    client = as_role("employee_a")
    response = client.get(LIST_URL, {"eligibility": "all_partners"})
    assert result_titles(response) == ["Baby sitting per i dipendenti"]


def test_visitors_are_not_offered_the_eligibility_filter(client, catalogue):
    response = client.get(LIST_URL, {"eligibility": "all_partners"})
    html = response.content.decode()
    assert 'name="eligibility"' not in html
    assert "Baby sitting" not in html
    assert len(result_titles(response)) == 3


def test_the_provider_filter_offers_only_active_organisations_with_visible_services(
    client, catalogue, org_a
):
    suspended = factories.make_organization(
        "Organizzazione Sospesa",
        slug="sospesa",
        membership_status=Organization.MembershipStatus.SUSPENDED,
    )
    factories.make_service(suspended, title="Servizio sospeso")
    factories.make_organization("Organizzazione Senza Servizi", slug="senza-servizi")
    hidden_only = factories.make_organization("Organizzazione Riservata", slug="riservata")
    factories.make_service(
        hidden_only, eligibility=WelfareService.Eligibility.ALL_PARTNERS, title="Riservato"
    )
    found = client.get("/en/servizi/organizzazioni.json", {"q": "organizzazione"}).json()
    assert [result["slug"] for result in found["results"]] == ["alfa", "beta"]


def test_the_area_filter_offers_the_areas_of_visible_services(client, catalogue):
    html = client.get(LIST_URL).content.decode()
    select = html.split('id="id_area"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "Centro storico", "Povo"]


def test_the_form_keeps_the_chosen_values(client, catalogue):
    html = client.get(
        LIST_URL, {"q": "campus", "category": "sport", "available": "now", "order": "az"}
    ).content.decode()
    assert 'name="q" value="campus"' in html
    assert '<option value="sport" selected>' in html
    assert 'value="now" checked' in html
    assert '<option value="az" selected>' in html


def test_active_filters_are_shown_and_each_can_be_removed(client, catalogue):
    response = client.get(LIST_URL, {"category": "sport", "area": "Povo", "page": "1", "cost": ""})
    html = response.content.decode()
    chips = dict(re.findall(r'<a class="chip[^"]*" href="([^"]*)" data-filter="(\w+)"', html))
    chips = {name: unescape(href) for href, name in chips.items()}
    assert chips == {
        "category": "/en/servizi/?area=Povo",
        "area": "/en/servizi/?category=sport",
    }
    assert "Sport e tempo libero" in html.split('id="active-filters"', 1)[1]
    # Following a chip's link drops just that filter.
    assert set(result_titles(client.get(chips["category"]))) == {
        "Campus estivo",
        "Palestra per anziani",
    }


def test_the_search_words_are_an_active_filter_too(client, catalogue):
    html = client.get(LIST_URL, {"q": "asilo", "order": "az"}).content.decode()
    chips = re.findall(r'<a class="chip[^"]*" href="([^"]*)" data-filter="(\w+)"', html)
    assert [(unescape(h), n) for h, n in chips] == [("/en/servizi/?order=az", "q")]


def test_no_filter_means_no_chips_and_an_indexable_page(client, catalogue):
    html = client.get(LIST_URL).content.decode()
    assert 'id="active-filters"' not in html
    assert "noindex" not in html


def test_filtered_pages_are_not_indexed(client, catalogue):
    html = client.get(LIST_URL, {"cost": "paid"}).content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html


def test_the_empty_state_suggests_removing_filters(client, catalogue):
    response = client.get(LIST_URL, {"category": "sport", "cost": "paid"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "0 services found" in html
    assert 'id="empty-state"' in html
    assert "remove one of the active filters" in html
    assert 'href="/en/servizi/"' in html


def test_the_empty_state_of_an_empty_catalogue_does_not_mention_filters(client, db):
    html = client.get(LIST_URL).content.decode()
    assert 'id="empty-state"' in html
    assert "remove one of the active filters" not in html


# Invalid values are ignored, with a message ----------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"category": "does-not-exist"},
        {"provider": "nobody"},
        {"audience": "martians"},
        {"cost": "priceless"},
        {"area": "Atlantide"},
        {"available": "yesterday"},
        {"order": "random"},
        {"category": "\u0001"},
        {"cost": "a" * 5000},
    ],
)
def test_unknown_filter_values_are_ignored_with_a_message(client, catalogue, params):
    """Decision: an unrecognised value does not empty the list; it is dropped and reported."""
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(result_titles(response)) == 3
    assert 'id="ignored-filters"' in html
    assert "was not recognised and has been ignored" in html
    assert 'id="active-filters"' not in html


def test_unknown_parameters_are_ignored_silently(client, catalogue):
    response = client.get(LIST_URL, {"utm_source": "newsletter", "colour": "blue"})
    assert response.status_code == 200
    assert len(result_titles(response)) == 3
    assert 'id="ignored-filters"' not in response.content.decode()


def test_repeated_parameters_use_the_last_value(client, catalogue):
    response = client.get(LIST_URL + "?cost=paid&cost=discounted")
    assert result_titles(response) == ["Campus estivo"]


# Pagination ---------------------------------------------------------------------------------


@pytest.fixture
def many_services(org_a):
    category = factories.make_category("Tanti servizi", slug="tanti")
    return bulk_services(org_a, category, 45)


def test_the_list_shows_twenty_services_a_page(client, many_services):
    first = client.get(LIST_URL)
    assert len(result_titles(first)) == 20
    assert "45 services found" in first.content.decode()
    third = client.get(LIST_URL, {"page": "3"})
    assert result_titles(third) == [f"Servizio numero {i:04d}" for i in range(4, -1, -1)]


def test_pagination_links_keep_the_filters(client, many_services):
    html = client.get(LIST_URL, {"category": "tanti", "order": "az"}).content.decode()
    assert 'href="?category=tanti&amp;order=az&amp;page=2"' in html


@pytest.mark.parametrize(
    ("page", "expected_first"),
    [
        ("abc", "Servizio numero 0044"),
        ("", "Servizio numero 0044"),
        ("1.5", "Servizio numero 0044"),
        ("99", "Servizio numero 0004"),
        ("999999999999999999999999", "Servizio numero 0004"),
        ("0", "Servizio numero 0004"),
        ("-2", "Servizio numero 0004"),
    ],
)
def test_odd_page_numbers_give_the_first_or_the_last_page(
    client, many_services, page, expected_first
):
    response = client.get(LIST_URL, {"page": page})
    assert response.status_code == 200
    assert result_titles(response)[0] == expected_first


# Bad input never gives a 500 -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "\x01",
        "asilo\x1fnido",
        "a" * 10_000,
        "😀 👨‍👩‍👧 asilo",
        "\u202eevil\u202c",
        "' OR 1=1; --",
        '"unterminated',
        "!!! & | <-> :* ()",
        "!!! ??",
        "'",
        '"',
        "-",
        "%_%",
        "\ufffd\ufffe",
        "   ",
        "ﬁ ＡＳＩＬＯ",
    ],
)
def test_odd_search_text_gives_a_normal_page(client, catalogue, text):
    response = client.get(LIST_URL, {"q": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "\x00" not in html
    assert "services found" in html or "service found" in html


@pytest.mark.parametrize("params", [{"q": "asilo\x00nido"}, {"page": "\x00"}, {"category": "\x00"}])
def test_a_nul_in_the_query_is_refused_as_a_bad_request(client, catalogue, params):
    # PostgreSQL cannot store or compare it: refused before the view (common.middleware).
    assert client.get(LIST_URL, params).status_code == 400


def test_the_search_box_shows_the_cleaned_text(client, catalogue):
    html = client.get(LIST_URL, {"q": "asilo\x01 nido" + "x" * 500}).content.decode()
    value = re.search(r'name="q" value="([^"]*)"', html).group(1)
    assert value.startswith("asilo nido")
    assert len(value) == 200


def test_the_catalogue_answers_only_safe_methods(client, db):
    assert client.head(LIST_URL).status_code == 200
    assert client.post(LIST_URL).status_code == 405


# Page quality ---------------------------------------------------------------------------------


def test_the_catalogue_has_its_own_title_description_and_canonical(client, catalogue):
    html = client.get(LIST_URL).content.decode()
    assert re.search(r"<title>Welfare services – ", html)
    assert '<meta name="description" content="The welfare services' in html
    assert f'<link rel="canonical" href="{settings.SITE_URL}/en/servizi/">' in html


def test_the_filter_form_is_labelled_and_needs_no_javascript(client, catalogue):
    html = client.get(LIST_URL).content.decode()
    form = html.split('<form method="get" action="/en/servizi/"', 1)[1].split("</form>", 1)[0]
    for field_id in re.findall(r'<(?:select|input)[^>]* id="([^"]+)"', form):
        assert f'<label for="{field_id}"' in form
    assert form.count("<fieldset") == form.count("<legend") == 2
    assert 'type="submit"' in form
    assert "style=" not in html
    assert "<script>" not in html


def test_the_result_count_is_the_results_heading(client, many_services):
    html = client.get(LIST_URL).content.decode()
    assert '<section class="col-12 col-lg-8" aria-labelledby="results-heading"' in html
    assert '<h2 id="results-heading" class="h4" tabindex="-1">45 services found</h2>' in html


def test_the_count_is_singular_for_one_service(client, catalogue):
    html = client.get(LIST_URL, {"q": "campus"}).content.decode()
    assert "1 service found" in html


def test_the_catalogue_is_in_italian_by_default(client, catalogue):
    response = client.get("/servizi/")
    assert response.status_code == 200
    assert '<html lang="it"' in response.content.decode()


# Speed: a fixed number of queries whatever the amount of data ------------------------------


QUERY_PARAMS = [
    {},
    {"q": "servizio famiglie", "category": "tanti", "audience": "0-3", "available": "now"},
    {"cost": "free", "area": "Povo", "order": "az", "page": "2"},
]


@pytest.mark.parametrize("size", [5, 200])
@pytest.mark.parametrize("role", ["anonymous", "employee_a", "coordinator"])
@pytest.mark.parametrize("params", QUERY_PARAMS)
def test_the_catalogue_runs_a_fixed_number_of_queries(
    as_role, org_a, django_assert_max_num_queries, size, role, params
):
    category = factories.make_category("Tanti servizi", slug="tanti")
    audience = factories.make_audience("0-3")
    services = bulk_services(org_a, category, size, area="Povo")
    through = WelfareService.audiences.through
    through.objects.bulk_create(
        through(welfareservice_id=service.pk, audience_id=audience.pk) for service in services
    )
    client = as_role(role)
    # Words cost two more: the synonyms, and whether all the words together find anything.
    with django_assert_max_num_queries(12 if "q" in params else 10):
        response = client.get(LIST_URL, params)
    assert response.status_code == 200
    assert result_titles(response)
