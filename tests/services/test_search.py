"""Free-text search: input cleaning, matching on both databases, Italian ranking on PostgreSQL."""

import pytest
from django.db import connection

from services.models import WelfareService
from services.search import (
    INDEX_NAME,
    MAX_QUERY_LENGTH,
    RANK_FIELD,
    SearchOutcome,
    clean_query,
    query_words,
    search_catalogue,
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


# What people mean: synonyms, every field, fallbacks (both databases) ------------------------------


@pytest.fixture
def welfare(org_a):
    make = factories.make_service
    kaleidoscopio = factories.make_organization(
        "Kaleidoscopio Cooperativa Sociale", short_name="Kaleidoscopio"
    )
    return {
        "camp": make(
            kaleidoscopio,
            title="Centro estivo per bambini",
            summary="Giochi e gite per tutta l'estate.",
            description="Turni settimanali con pranzo.",
            area="Villazzano",
            address="Via della Villa 3, Trento",
            cost=WelfareService.Cost.DISCOUNTED,
            cost_conditions="Quota ridotta per i figli dei dipendenti.",
        ),
        "nursery": make(
            org_a,
            title="Posti al nido d'infanzia",
            summary="Alcuni posti riservati ai figli dei dipendenti.",
            description="Da settembre a giugno.",
            area="Povo",
        ),
        "elderly": make(
            org_a,
            title="Compagnia a domicilio",
            summary="Visite e piccole commissioni, una volta alla settimana.",
            description="Per chi vive solo.",
            area="Centro storico",
        ),
    }


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("colonia", "camp"),
        ("colonie estive", "camp"),
        ("summer camp", "camp"),
        ("micronido", "nursery"),
        ("asilo nido", "nursery"),
        ("baby parking", "nursery"),
    ],
)
def test_synonyms_find_services_that_use_another_word(welfare, query, key):
    found = search_services(WelfareService.objects.all(), query)
    assert list(found) == [welfare[key]]


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Villazzano", "camp"),  # area
        ("via della villa", "camp"),  # address
        ("Kaleidoscopio", "camp"),  # provider's short name
        ("cooperativa sociale", "camp"),  # provider's name
        ("quota ridotta", "camp"),  # pricing terms
        ("centro storico", "elderly"),  # area of two words
    ],
)
def test_area_address_provider_and_cost_are_searched(welfare, query, key):
    assert list(search_services(WelfareService.objects.all(), query)) == [welfare[key]]


def test_audiences_are_searched(welfare):
    welfare["elderly"].audiences.add(factories.make_audience("anziani", name="Anziani"))
    assert list(search_services(WelfareService.objects.all(), "anziani")) == [welfare["elderly"]]


def test_accents_and_case_do_not_matter(org_a):
    service = factories.make_service(org_a, title="Attività per la terza età", summary="Città.")
    base = WelfareService.objects.all()
    assert list(search_services(base, "ATTIVITA terza eta")) == [service]


def test_a_long_query_full_of_synonyms_is_answered(welfare):
    query = "colonia nido baby sitter anziani palestra sconto gratis spesa bici corso natale mensa"
    found, outcome = search_catalogue(WelfareService.objects.all(), query)
    assert outcome.mode in {SearchOutcome.PARTIAL, SearchOutcome.NONE}
    assert len(list(found)) <= 3


def test_when_all_words_find_nothing_the_partial_matches_come_best_first(welfare):
    found, outcome = search_catalogue(WelfareService.objects.all(), "colonia Villazzano piscina")
    assert outcome.mode == SearchOutcome.PARTIAL
    assert list(found.order_by(f"-{RANK_FIELD}")) == [welfare["camp"]]
    found, outcome = search_catalogue(WelfareService.objects.all(), "nido colonia Villazzano")
    assert outcome.mode == SearchOutcome.PARTIAL
    ranked = list(found.order_by(f"-{RANK_FIELD}"))
    assert ranked == [welfare["camp"], welfare["nursery"]]


def test_when_every_word_matches_the_outcome_says_so(welfare):
    found, outcome = search_catalogue(WelfareService.objects.all(), "colonia Villazzano")
    assert outcome.mode == SearchOutcome.ALL
    assert list(found) == [welfare["camp"]]


def test_nothing_found_at_all(welfare):
    found, outcome = search_catalogue(WelfareService.objects.all(), "zqxwv")
    assert outcome.mode == SearchOutcome.NONE
    assert list(found) == []


def test_the_catalogue_says_when_it_shows_partial_matches(client, welfare):
    html = client.get("/en/servizi/", {"q": "colonia piscina"}).content.decode()
    assert 'id="search-notice"' in html
    assert "No service contains all the words “colonia piscina”" in html
    assert "Centro estivo per bambini" in html
    html = client.get("/en/servizi/", {"q": "colonia"}).content.decode()
    assert 'id="search-notice"' not in html


def test_synonyms_edited_in_the_database_apply_at_once(welfare):
    from services.models import SynonymGroup

    base = WelfareService.objects.all()
    assert list(search_services(base, "ludobus")) == []
    SynonymGroup.objects.create(name="Ludobus", terms="ludobus\ncompagnia")
    assert list(search_services(base, "ludobus")) == [welfare["elderly"]]


# PostgreSQL: the document follows its sources, prefixes, typing mistakes --------------------------


@on_postgresql
def test_postgresql_keeps_audiences_provider_and_category_in_the_document(welfare):
    base = WelfareService.objects.all()
    service = welfare["elderly"]
    audience = factories.make_audience("sportivi", name="Sportivi")
    service.audiences.add(audience)
    assert list(search_services(base, "sportivi")) == [service]
    audience.name = "Musicisti"
    audience.save()
    assert list(search_services(base, "sportivi")) == []
    assert list(search_services(base, "musicisti")) == [service]
    service.audiences.remove(audience)
    assert list(search_services(base, "musicisti")) == []

    provider = service.provider
    provider.name = "Cooperativa Arcobaleno"
    provider.save()
    assert set(search_services(base, "arcobaleno")) == {welfare["nursery"], service}

    category = service.category
    category.name = "Assistenza leggera"
    category.save()
    assert list(search_services(base, "assistenza leggera")) == [service]


@on_postgresql
def test_postgresql_the_cost_is_searchable_as_words(welfare):
    base = WelfareService.objects.all()
    assert set(search_services(base, "gratis")) == {welfare["nursery"], welfare["elderly"]}
    assert list(search_services(base, "agevolato")) == [welfare["camp"]]


@on_postgresql
def test_postgresql_matches_the_beginning_of_a_word(welfare):
    base = WelfareService.objects.all()
    assert list(search_services(base, "commiss")) == [welfare["elderly"]]
    # Short beginnings are not expanded: too many words start with them.
    assert list(search_services(base, "com")) == []


@on_postgresql
def test_postgresql_a_service_whose_title_says_the_words_ranks_first(org_a):
    in_title = factories.make_service(org_a, title="Colonia marina", summary="Al mare.")
    synonym = factories.make_service(org_a, title="Centro estivo", summary="In città.")
    in_area = factories.make_service(org_a, title="Giochi", summary="Estate.", area="Colonia")
    found = search_services(WelfareService.objects.all(), "colonia").order_by(f"-{RANK_FIELD}")
    assert list(found) == [in_title, synonym, in_area]


@on_postgresql
def test_postgresql_corrects_typing_mistakes_with_the_words_of_the_catalogue(welfare):
    found, outcome = search_catalogue(WelfareService.objects.all(), "commisioni")
    assert outcome.mode == SearchOutcome.CORRECTED
    assert outcome.corrected_query == "commissioni"
    assert list(found) == [welfare["elderly"]]
    # Also towards a synonym no service uses ("colonia" finds the summer camp).
    found, outcome = search_catalogue(WelfareService.objects.all(), "colnia")
    assert (outcome.mode, outcome.corrected_query) == (SearchOutcome.CORRECTED, "colonia")
    assert list(found) == [welfare["camp"]]


@on_postgresql
def test_postgresql_never_suggests_a_word_that_finds_only_hidden_services(org_a):
    factories.make_service(
        org_a, title="Ludoteca segreta", summary="Una bozza.", status=WelfareService.Status.DRAFT
    )
    found, outcome = search_catalogue(WelfareService.objects.visible_to(None), "ludotecca")
    assert outcome.mode == SearchOutcome.NONE
    assert list(found) == []


@on_postgresql
def test_the_catalogue_offers_did_you_mean(client, welfare):
    html = client.get("/en/servizi/", {"q": "commisioni"}).content.decode()
    assert "No service contains “commisioni”: these are the results for “commissioni”." in html
    assert 'href="?q=commissioni"' in html
    assert "Compagnia a domicilio" in html
