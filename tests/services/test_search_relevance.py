"""Does the catalogue's search find what people mean? Everyday queries against the demo district.

Each row: what someone types, and the services (by slug, from distretto/demo_data/catalogue.toml)
that must be among the first three results the catalogue shows (``search_catalogue``, ranked
by relevance, over every published service, as the coordinator sees them). The queries are
the words people use: plurals and singulars, synonyms the services do not use, missing accents,
typing mistakes, place and organisation names, conditions of cost and audience.

PostgreSQL only: the ranking, the stemming and the typing-mistake corrections are its own.
"""

import pytest
from django.db import connection, transaction

from distretto.demo import load_demo
from services.models import WelfareService
from services.search import RANK_FIELD, SearchOutcome, search_catalogue

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the relevance set runs on PostgreSQL"
    ),
    pytest.mark.django_db,
]

SUMMER_CAMPS = {
    "centro-estivo-povo-6-11-anni",
    "centro-estivo-3-6-anni",
    "centro-estivo-citta-6-14",
    "campus-estivo-universitario-11-14",
}
SOMMARIVE = {
    "centro-estivo-povo-6-11-anni",
    "spazio-allattamento-povo",
    "bici-aziendali-casa-lavoro",
    "laboratori-scientifici-sabato",
    "campus-estivo-universitario-11-14",
}

# (query, slugs that must all be in the top 3) -- or, with a set larger than 3, the top 3
# must come from that set.
RELEVANCE = [
    # Synonyms: the word typed is not the one the service uses.
    ("colonia", SUMMER_CAMPS),
    ("colonie estive", SUMMER_CAMPS),
    ("summer camp", SUMMER_CAMPS),
    ("campo estivo", SUMMER_CAMPS),
    ("grest", SUMMER_CAMPS),
    ("micronido", {"nido-convenzionato-posti-riservati"}),
    ("baby parking", {"nido-convenzionato-posti-riservati"}),
    ("asilo nido", {"nido-convenzionato-posti-riservati"}),
    ("post-scuola", {"pre-post-scuola-povo", "doposcuola-aiuto-compiti"}),
    ("dopo scuola", {"pre-post-scuola-povo", "doposcuola-aiuto-compiti"}),
    ("aiuto compiti", {"doposcuola-aiuto-compiti", "spazio-compiti-adolescenti"}),
    ("psicologo", {"sportello-ascolto-psicologico"}),
    ("supporto psicologico", {"sportello-ascolto-psicologico"}),
    ("smart working", {"consulenza-rientro-congedo-parentale"}),
    ("maternità", {"consulenza-rientro-congedo-parentale"}),
    ("carpooling", {"car-pooling-distretto"}),
    ("auto condivisa", {"car-pooling-distretto"}),
    ("bicicletta elettrica", {"bici-aziendali-casa-lavoro"}),
    ("fitness", {"impianti-sportivi-tariffa-agevolata"}),
    ("fisioterapista", {"fisioterapia-ambulatoriale"}),
    ("badante", {"assistenza-domiciliare-leggera"}),
    ("nonni", {"consulenza-familiari-anziani"}),
    ("supermercato", {"sconto-spesa-dipendenti-distretto", "spesa-pronta-fine-turno"}),
    ("caregiver", {"formazione-caregiver-familiari"}),
    ("divorzio", {"gruppi-di-parola-figli"}),
    ("pedagogista", {"consulenza-educativa-genitori"}),
    # Plurals and singulars, word forms.
    ("centri estivi", {"centro-estivo-povo-6-11-anni", "centro-estivo-3-6-anni"}),
    ("laboratorio scientifico", {"laboratori-scientifici-sabato"}),
    ("pasto a domicilio", {"pasti-a-domicilio-anziani"}),
    ("anziano", {"consulenza-familiari-anziani"}),
    ("adolescente", {"incontri-genitori-adolescenti", "spazio-compiti-adolescenti"}),
    ("webinar genitori", {"webinar-genitorialita-digitale"}),
    # Missing accents, capitals.
    ("genitorialita digitale", {"webinar-genitorialita-digitale"}),
    ("corsi terza eta", {"corsi-terza-eta-quota-agevolata"}),
    ("MOBILITA", {"bici-aziendali-casa-lavoro", "car-pooling-distretto"}),
    # Typing mistakes.
    ("psicolgo", {"sportello-ascolto-psicologico"}),
    ("fisioterpia", {"fisioterapia-ambulatoriale"}),
    ("doposcula", {"doposcuola-aiuto-compiti"}),
    ("centro estvo", {"centro-estivo-povo-6-11-anni", "centro-estivo-3-6-anni"}),
    ("allatamento", {"spazio-allattamento-povo"}),
    ("spessa a domicilio", {"spesa-a-domicilio-anziani"}),
    # Beginnings of words.
    ("fisio", {"fisioterapia-ambulatoriale"}),
    ("allatt", {"spazio-allattamento-povo"}),
    # Places, providers, audiences, cost.
    ("Povo", {"centro-estivo-povo-6-11-anni", "pre-post-scuola-povo"}),
    ("centro estivo Povo", {"centro-estivo-povo-6-11-anni"}),
    ("centro storico", {"corsi-terza-eta-quota-agevolata", "incontri-genitori-adolescenti"}),
    ("via Sommarive", SOMMARIVE),
    ("Kaleidoscopio centro estivo", {"centro-estivo-3-6-anni"}),
    ("Famiglia Cooperativa sconto", {"sconto-spesa-dipendenti-distretto"}),
    ("UPIPA", {"guida-servizi-anziani", "formazione-caregiver-familiari"}),
    ("bambini 3-6 anni", {"centro-estivo-3-6-anni"}),
    ("consegna gratuita", {"spesa-a-domicilio-anziani"}),
    ("retta ridotta centro diurno", {"centro-diurno-posti-sollievo"}),
    # Some words right, some not: the best partial matches come first.
    ("corso di inglese per bambini", {"inglese-genitori-e-figli"}),
    ("FBK centro estivo", {"centro-estivo-povo-6-11-anni"}),
]


@pytest.fixture(scope="module")
def published(django_db_setup, django_db_blocker):
    """The demo district, loaded once for the module and rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo()
            yield WelfareService.objects.published()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def top(published, query, n=3):
    found, outcome = search_catalogue(published, query)
    slugs = list(found.order_by(f"-{RANK_FIELD}", "-published_at", "-pk").values_list("slug")[:n])
    return [slug for (slug,) in slugs], outcome


def test_the_relevance_set_is_large_enough():
    assert len(RELEVANCE) >= 40
    assert len({query for query, _ in RELEVANCE}) == len(RELEVANCE)


@pytest.mark.parametrize(("query", "expected"), RELEVANCE, ids=[q for q, _ in RELEVANCE])
def test_everyday_queries_find_the_right_services_in_the_top_three(published, query, expected):
    assert set(expected) <= {slug for slug in WelfareService.objects.values_list("slug", flat=True)}
    first, outcome = top(published, query)
    if len(expected) > 3:
        assert first and set(first) <= expected, (query, outcome.mode, first)
    else:
        assert set(expected) <= set(first), (query, outcome.mode, first)


@pytest.mark.parametrize(
    ("query", "corrected"),
    [("psicolgo", "psicologo"), ("fisioterpia", "fisioterapia"), ("doposcula", "doposcuola")],
)
def test_a_typing_mistake_is_corrected_and_said(published, query, corrected):
    _first, outcome = top(published, query)
    assert outcome.mode == SearchOutcome.CORRECTED
    assert outcome.corrected_query == corrected


def test_when_not_every_word_matches_the_partial_matches_are_said(published):
    _first, outcome = top(published, "corso di inglese per bambini")
    assert outcome.mode == SearchOutcome.PARTIAL


def test_a_query_that_matches_nothing_says_so(published):
    first, outcome = top(published, "zqxwv")
    assert first == []
    assert outcome.mode == SearchOutcome.NONE


def test_draft_services_are_never_offered(published):
    # "tata" and "babysitter" mean the baby-sitting service, which is still a draft.
    assert top(published, "babysitter")[0] == []
    assert top(published, "tata")[0] == []
