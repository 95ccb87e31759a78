"""Free-text search: input cleaning, matching on both databases, Italian ranking on PostgreSQL."""

import pytest
from django.db import connection

from services.models import WelfareService
from services.search import (
    INDEX_NAME,
    MAX_QUERY_LENGTH,
    RANK_FIELD,
    clean_query,
    query_words,
    search_services,
)
from tests import factories

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL only"
)


# Cleaning what people type ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  asilo   nido  ", "asilo nido"),
        ("asilo\x00nido", "asilo nido"),
        ("\x00\x00", ""),
        ("asilo\tnido\r\n", "asilo nido"),
        ("zero\u200bwidth", "zerowidth"),
        ("\u202eevil\u202c", "evil"),
        ("ﬁne ＡＳＩＬＯ", "fine ASILO"),
        ("non\u00a0breaking", "non breaking"),
        ("private\ue000use", "privateuse"),
        ("attività più", "attività più"),
        (12, "12"),
    ],
)
def test_search_text_is_cleaned(raw, expected):
    assert clean_query(raw) == expected


def test_search_text_is_cut_to_a_safe_length():
    assert len(clean_query("a" * 100_000)) == MAX_QUERY_LENGTH
    assert len(clean_query("parola " * 1000)) <= MAX_QUERY_LENGTH


def test_the_words_of_a_query_lose_quotes_and_operators():
    assert query_words('"asilo nido" -sport (estate) «campus»') == [
        "asilo",
        "nido",
        "sport",
        "estate",
        "campus",
    ]
    assert query_words("!!! & ** --") == ["&"]


# Matching on every database ---------------------------------------------------------------------


@pytest.fixture
def services(org_a):
    make = factories.make_service
    return {
        "nursery": make(
            org_a,
            title="Asilo nido aziendale",
            summary="Posti riservati per i figli dei dipendenti.",
            description="Aperto tutto l'anno.",
        ),
        "camp": make(
            org_a,
            title="Campus estivo",
            summary="Sport e giochi all'aperto.",
            description="Attività per bambini e ragazzi, con pranzo al sacco.",
        ),
        "gym": make(
            org_a,
            title="Palestra",
            summary="Corsi di ginnastica dolce.",
            description="Il corso si tiene vicino all'asilo di Povo.",
        ),
    }


def titles(queryset):
    return {service.title for service in queryset}


def test_an_empty_query_changes_nothing(services):
    queryset = WelfareService.objects.all()
    assert search_services(queryset, "  \x00 ") is queryset


def test_it_finds_words_in_title_summary_and_description(services):
    base = WelfareService.objects.all()
    assert titles(search_services(base, "nido")) == {"Asilo nido aziendale"}
    assert titles(search_services(base, "ginnastica")) == {"Palestra"}
    assert titles(search_services(base, "pranzo")) == {"Campus estivo"}


def test_every_word_must_match(services):
    base = WelfareService.objects.all()
    assert titles(search_services(base, "asilo")) == {"Asilo nido aziendale", "Palestra"}
    assert titles(search_services(base, "asilo Povo")) == {"Palestra"}
    assert titles(search_services(base, "asilo inesistente")) == set()


def test_it_ignores_case(services):
    assert titles(search_services(WelfareService.objects.all(), "CAMPUS")) == {"Campus estivo"}


def test_a_title_match_ranks_above_a_description_match(services):
    found = search_services(WelfareService.objects.all(), "asilo").order_by(f"-{RANK_FIELD}")
    assert [service.title for service in found] == ["Asilo nido aziendale", "Palestra"]


def test_search_keeps_the_visibility_of_the_queryset(services, org_a):
    factories.make_service(org_a, title="Asilo riservato", status=WelfareService.Status.DRAFT)
    found = search_services(WelfareService.objects.visible_to(None), "asilo")
    assert titles(found) == {"Asilo nido aziendale", "Palestra"}


@pytest.mark.parametrize("text", ["%", "_", "\\", "'", "100%", "a_b", '"', "&|!:*", "!!! ??"])
def test_like_wildcards_and_operators_are_plain_text(services, text):
    found = search_services(WelfareService.objects.all(), text)
    assert titles(found) == set()
    # Still ranked, so that ordering by relevance works on any text.
    assert list(found.order_by(f"-{RANK_FIELD}")) == []


def test_the_catalogue_orders_search_results_by_relevance(client, services):
    response = client.get("/en/servizi/", {"q": "asilo"})
    html = response.content.decode()
    assert html.index("Asilo nido aziendale") < html.index("Palestra")
    # An explicit order wins over relevance.
    html = client.get("/en/servizi/", {"q": "asilo", "order": "az"}).content.decode()
    results = html.split('id="service-results"', 1)[1]
    assert results.index("Asilo nido aziendale") < results.index("Palestra")


# PostgreSQL: Italian full-text search ------------------------------------------------------------


@on_postgresql
def test_postgresql_ranks_a_title_match_above_a_description_match(org_a):
    description_hit = factories.make_service(
        org_a,
        title="Palestra",
        summary="Corsi di ginnastica.",
        description="Una ludoteca vicino alla palestra.",
    )
    title_hit = factories.make_service(
        org_a, title="Ludoteca comunale", summary="Giochi.", description="Aperta il sabato."
    )
    summary_hit = factories.make_service(
        org_a, title="Centro estivo", summary="Con ludoteca.", description="Da giugno."
    )
    found = list(
        search_services(WelfareService.objects.all(), "ludoteca").order_by(f"-{RANK_FIELD}")
    )
    assert found == [title_hit, summary_hit, description_hit]
    assert getattr(found[0], RANK_FIELD) > getattr(found[2], RANK_FIELD)


@on_postgresql
def test_postgresql_ignores_accents(org_a):
    service = factories.make_service(
        org_a, title="Attività per i più piccoli", summary="Città e natura.", description="."
    )
    base = WelfareService.objects.all()
    assert list(search_services(base, "attivita")) == [service]
    assert list(search_services(base, "ATTIVITÀ piu")) == [service]
    assert list(search_services(base, "citta")) == [service]


@on_postgresql
def test_postgresql_matches_italian_word_forms(org_a):
    service = factories.make_service(
        org_a, title="Servizi per l'infanzia", summary="Assistenza.", description="."
    )
    base = WelfareService.objects.all()
    assert list(search_services(base, "servizio infanzia")) == [service]
    assert list(search_services(base, "assistenze")) == [service]


@on_postgresql
def test_postgresql_understands_web_search_syntax(services):
    base = WelfareService.objects.all()
    assert titles(search_services(base, "asilo -nido")) == {"Palestra"}
    assert titles(search_services(base, "nido or ginnastica")) == {
        "Asilo nido aziendale",
        "Palestra",
    }
    assert titles(search_services(base, '"asilo nido"')) == {"Asilo nido aziendale"}


@on_postgresql
def test_postgresql_uses_the_gin_index(services):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = search_services(WelfareService.objects.all(), "asilo").explain()
    assert INDEX_NAME in plan


@on_postgresql
def test_postgresql_keeps_the_search_document_up_to_date(org_a):
    service = factories.make_service(
        org_a, title="Ludoteca", summary="Giochi.", description="Per bambini."
    )
    base = WelfareService.objects.all()
    assert list(search_services(base, "ludoteca")) == [service]
    service.title = "Biblioteca aziendale"
    service.save()
    assert list(search_services(base, "ludoteca")) == []
    assert list(search_services(base, "biblioteca")) == [service]
    WelfareService.objects.filter(pk=service.pk).update(description="Prestito di libri.")
    assert list(search_services(base, "libri")) == [service]
    assert list(search_services(base, "bambini")) == []


@on_postgresql
def test_postgresql_search_works_inside_a_subquery(services):
    found = search_services(WelfareService.objects.all(), "asilo")
    outer = WelfareService.objects.filter(pk__in=found.values("pk")).order_by("title")
    assert [s.title for s in outer] == ["Asilo nido aziendale", "Palestra"]
    assert found.count() == 2
