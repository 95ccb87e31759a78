"""The search synonyms: the file in the repository, the list the coordinator edits, matching."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from services.apps import seed_synonyms_when_empty
from services.models import SynonymGroup, WelfareService
from services.search import parse_query, search_services
from services.thesaurus import SYNONYMS_FILE, Thesaurus, read_file, split_terms, term_key
from tests import factories
from tests.admin import builders

# Matching terms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("centro estivo", "Centri Estivi"),
        ("attività", "ATTIVITA"),
        ("post-scuola", "post scuola"),
        ("nido d'infanzia", "nidi d infanzia"),
    ],
)
def test_terms_match_whatever_the_case_accents_hyphens_and_plural(one, other):
    assert term_key(one) == term_key(other)


def test_different_words_do_not_match():
    assert term_key("nido") != term_key("nodo")
    assert term_key("centro estivo") != term_key("centro")


def test_the_longest_known_expression_wins():
    thesaurus = Thesaurus([["asilo nido", "micronido"], ["asilo", "scuola materna"]])
    segments = thesaurus.segment(["asilo", "nido", "Povo"])
    assert segments == [(["asilo", "nido"], ["asilo nido", "micronido"]), (["Povo"], [])]
    assert thesaurus.segment(["asilo"]) == [(["asilo"], ["asilo", "scuola materna"])]


def test_a_term_in_two_groups_finds_both():
    thesaurus = Thesaurus([["asilo", "nido"], ["asilo", "materna"]])
    assert thesaurus.synonyms(term_key("asili")) == ["asilo", "nido", "materna"]


def test_a_query_becomes_groups_of_alternatives():
    thesaurus = Thesaurus([["centro estivo", "colonia"]])
    parsed = parse_query('centri estivi Povo -calcio "gite in bici"', thesaurus)
    assert [(g.typed, g.prefixes, g.synonyms) for g in parsed.groups] == [
        # "centro estivo" is what was typed (the database stems both the same way).
        (["centri estivi"], [], ["colonia"]),
        (["Povo"], ["Povo"], []),
        (["gite in bici"], [], []),
    ]
    assert parsed.excluded == ["calcio"]


def test_or_joins_two_words_into_one_group():
    parsed = parse_query("nido or colonia", Thesaurus([["colonia", "centro estivo"]]))
    assert len(parsed.groups) == 1
    assert parsed.groups[0].typed == ["nido", "colonia"]
    assert parsed.groups[0].synonyms == ["centro estivo"]


def test_only_letters_become_prefixes():
    parsed = parse_query("fisio 2024 a:*|b ab", Thesaurus())
    assert [g.prefixes for g in parsed.groups] == [["fisio"], [], [], []]


def test_split_terms_keeps_one_of_each():
    assert split_terms(" Nido \n\nnidi, micronido; MICRONIDO\n") == ["Nido", "micronido"]


# The file in the repository ----------------------------------------------------------------------


def test_the_file_has_the_everyday_words_of_italian_welfare():
    groups = read_file()
    assert len(groups) >= 30
    terms = {term_key(term) for group in groups for term in group["terms"]}
    for word in ["centro estivo", "colonia", "micronido", "doposcuola", "tata", "badante"]:
        assert term_key(word) in terms
    assert all(len(group["terms"]) >= 2 for group in groups)
    assert len({group["name"] for group in groups}) == len(groups)


def test_every_group_of_the_file_passes_the_admin_rules():
    for group in read_file(SYNONYMS_FILE):
        SynonymGroup(name=group["name"], terms="\n".join(group["terms"])).clean()


@pytest.mark.django_db
def test_the_database_starts_with_the_file():
    assert set(SynonymGroup.objects.values_list("name", flat=True)) == {
        group["name"] for group in read_file()
    }


@pytest.mark.django_db
def test_the_command_adds_new_groups_of_the_file_and_keeps_edited_ones():
    edited = SynonymGroup.objects.get(name="Centri estivi")
    edited.terms = "centro estivo\ncolonia"
    edited.save()
    SynonymGroup.objects.filter(name="Baby-sitter").delete()
    call_command("load_search_synonyms", stdout=io.StringIO())
    assert SynonymGroup.objects.filter(name="Baby-sitter").exists()
    edited.refresh_from_db()
    assert edited.terms == "centro estivo\ncolonia"


@pytest.mark.django_db
def test_an_emptied_list_is_seeded_again_after_migrate():
    SynonymGroup.objects.all().delete()
    seed_synonyms_when_empty(sender=None)
    assert SynonymGroup.objects.count() == len(read_file())
    # A list with something in it is left alone.
    SynonymGroup.objects.exclude(name="Centri estivi").delete()
    seed_synonyms_when_empty(sender=None)
    assert SynonymGroup.objects.count() == 1


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


# The coordinator's list --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("solo", "at least two"),
        ("uno\nUNO", "at least two"),
        ("\n".join(f"parola{i}" for i in range(41)), "at most 40"),
        ("breve\n" + "x" * 61, "at most 60"),
    ],
)
def test_a_group_needs_two_to_forty_short_terms(terms, message):
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        SynonymGroup(name="Prova", terms=terms).clean()


def test_a_group_is_stored_tidy():
    group = SynonymGroup(name="Prova", terms="  tata \n\nbabysitter, Tata\n")
    group.clean()
    assert group.terms == "tata\nbabysitter"


@pytest.mark.django_db
def test_the_coordinator_adds_synonyms_in_the_back_office_and_search_uses_them(
    coordinator_client, org_a
):
    service = factories.make_service(org_a, title="Ludoteca comunale", summary="Giochi per tutti.")
    base = WelfareService.objects.all()
    assert list(search_services(base, "sala giochi")) == []
    response = coordinator_client.post(
        builders.admin_url(SynonymGroup, "add"),
        {"name": "Ludoteca", "terms": "ludoteca\nsala giochi\n"},
    )
    assert response.status_code == 302
    assert SynonymGroup.objects.get(name="Ludoteca").terms == "ludoteca\nsala giochi"
    assert list(search_services(base, "sala giochi")) == [service]


@pytest.mark.django_db
def test_the_back_office_refuses_a_group_of_one_term(coordinator_client):
    response = coordinator_client.post(
        builders.admin_url(SynonymGroup, "add"), {"name": "Uno", "terms": "ludoteca"}
    )
    assert response.status_code == 200
    assert not SynonymGroup.objects.filter(name="Uno").exists()
