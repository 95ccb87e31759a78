"""Free-text search over welfare services: finding what people mean, not only what they type.

What a query becomes (``parse_query``): groups of alternatives, one group per word or per
expression the synonym list knows (``services.thesaurus``), all groups required. "colonia
Povo" is ``(colonia | centro estivo | campus estivo | ...) & (povo | povo:*)``. Web search
syntax still works: ``"exact phrase"``, ``-excluded``, ``nido or ginnastica``.

On PostgreSQL: full-text search with the ``italian`` configuration, accents ignored through
``distretto_unaccent`` (an IMMUTABLE wrapper around the ``unaccent`` extension). Each group is
an OR of tsqueries: the words as typed (``phraseto_tsquery``), their prefix (``word:*``, for
words of four letters or more) and every synonym. The weighted document lives in a column,
``search_document`` (title A; summary B; area, address, provider, category, audiences and
cost C; description D), kept up to date by triggers and indexed with GIN (migrations
``services.0002`` and ``services.0007``, PostgreSQL only; the model does not declare the
column). Ranking uses ``ts_rank_cd`` (``ts_rank`` divides by the number of alternatives,
which would sink words with many synonyms): the words as typed count double, so a title
that says what was typed comes first, then the synonyms and prefixes; title above summary
above the rest above description.
Typing mistakes are corrected with ``pg_trgm`` against the words of the catalogue
(``services_search_word``): "did you mean".

On SQLite (the zero set-up database): each alternative is looked for, accents and case
folded, in the same fields (a "contains" match of each word without its final vowel), with
the same synonyms and the same fallbacks except the typing-mistake correction.

``search_catalogue`` is what the catalogue uses: all the words together first; when that finds
nothing, the query with its typing mistakes corrected; then the services matching some of the
words, best first. It says which of these it did (``SearchOutcome``).
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import (
    Case,
    Exists,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce

from .thesaurus import Thesaurus, current_thesaurus, fold, term_key

CONFIG = "italian"
DOCUMENT_COLUMN = "search_document"
INDEX_NAME = "service_search_document_gin"
WORDS_TABLE = "services_search_word"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
RANK_FIELD = "search_rank"
# The cost as words people type (the PostgreSQL document holds the same, migration 0007).
COST_WORDS = {"free": "gratuito", "discounted": "agevolato", "paid": "a pagamento"}
# Below this trigram similarity a word of the catalogue is not offered as a correction.
MIN_SIMILARITY = 0.4
# Words shorter than this are neither corrected nor matched as a prefix.
MIN_PREFIX_LENGTH = 4

# Characters worth nothing in a search: quotes and the operators of web search syntax.
_EDGE_PUNCTUATION = "\"'“”‘’«»()[]{}+-*~!?.,;:"
_QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "„": '"'})
_TOKENS = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_LETTERS_ONLY = re.compile(r"[^\W\d_]+")
# Words the SQLite search skips (PostgreSQL's Italian configuration has its own list).
_SQLITE_STOPWORDS = {
    "del", "della", "dei", "degli", "delle", "nel", "nella", "nei", "per", "con", "una",
    "uno", "gli", "the", "and", "for",
}  # fmt: skip


class Unaccent(Func):
    """``distretto_unaccent(text)``: accents removed (IMMUTABLE wrapper of ``unaccent``)."""

    function = "distretto_unaccent"
    output_field = TextField()


class Fold(Func):
    """``distretto_fold(text)`` on SQLite: lower case without accents (``thesaurus.fold``)."""

    function = "distretto_fold"
    output_field = TextField()


def clean_query(raw: object) -> str:
    """Make any user input a safe, bounded search string.

    NUL bytes (which PostgreSQL refuses in text) and every other control, format, surrogate,
    private-use or unassigned character are removed, compatibility forms are folded (NFKC),
    runs of white space become one space and the result is cut to ``MAX_QUERY_LENGTH``.
    """
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw)[: MAX_QUERY_LENGTH * 4])
    kept = []
    for char in text:
        kind = unicodedata.category(char)
        if kind == "Cc" or kind[0] == "Z":
            kept.append(" ")
        elif kind[0] != "C":
            kept.append(char)
    return " ".join("".join(kept).split())[:MAX_QUERY_LENGTH].strip()


def query_words(query: str) -> list[str]:
    """The words of a cleaned query, without surrounding quotes or operators."""
    words = (word.strip(_EDGE_PUNCTUATION) for word in query.split())
    return [word for word in words if word][:MAX_WORDS]


# What a query means ------------------------------------------------------------------------------


@dataclass
class Group:
    """Alternatives of which a service must contain one: the typed words and their synonyms."""

    typed: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)
    # Words the user typed that a typing-mistake correction may replace.
    correctable: list[str] = field(default_factory=list)

    def merge(self, other: Group) -> Group:
        return Group(
            self.typed + other.typed,
            self.prefixes + other.prefixes,
            self.synonyms + [term for term in other.synonyms if term not in self.synonyms],
            self.correctable + other.correctable,
        )


@dataclass
class ParsedQuery:
    groups: list[Group]
    excluded: list[str]

    @property
    def correctable_words(self) -> list[str]:
        return [word for group in self.groups for word in group.correctable]


def parse_query(query: str, thesaurus: Thesaurus) -> ParsedQuery:
    """Groups (all required) of alternatives, and the excluded words, of a cleaned query."""
    items: list[object] = []  # Group, "or", or a list of plain words still to segment
    excluded: list[str] = []
    count = 0
    for match in _TOKENS.finditer(query.translate(_QUOTES)):
        if count >= MAX_WORDS:
            break
        minus, phrase, bare = match.groups()
        if bare is None:
            phrase = " ".join(query_words(phrase))
            if phrase:
                count += 1
                if minus:
                    excluded.append(phrase)
                else:
                    items.append(Group(typed=[phrase]))
            continue
        if bare.casefold() == "or":
            items.append("or")
            continue
        word = bare.strip(_EDGE_PUNCTUATION)
        if not word:
            continue
        count += 1
        if bare.startswith("-") and len(bare) > 1:
            excluded.append(word)
        elif items and isinstance(items[-1], list):
            items[-1].append(word)
        else:
            items.append([word])

    groups: list[Group] = []
    join_next = False
    for item in items:
        if item == "or":
            join_next = bool(groups)
            continue
        new = _segment(item, thesaurus) if isinstance(item, list) else [item]
        if join_next and new:
            groups[-1] = groups[-1].merge(new[0])
            new = new[1:]
        groups += new
        join_next = False
    return ParsedQuery(groups, excluded)


def _segment(words: list[str], thesaurus: Thesaurus) -> list[Group]:
    groups = []
    for typed_words, synonyms in thesaurus.segment(words):
        typed = " ".join(typed_words)
        single = len(typed_words) == 1
        prefixable = single and _LETTERS_ONLY.fullmatch(typed) and len(typed) >= MIN_PREFIX_LENGTH
        groups.append(
            Group(
                typed=[typed],
                prefixes=[typed] if prefixable else [],
                synonyms=[term for term in synonyms if term_key(term) != term_key(typed)],
                correctable=[typed] if single and not synonyms else [],
            )
        )
    return groups


# Searching -------------------------------------------------------------------------------------


@dataclass
class SearchOutcome:
    """How the catalogue answered a query, for the page to say so."""

    ALL = "all"  # every word (or a synonym) found together
    CORRECTED = "corrected"  # nothing with the words typed; found after correcting them
    PARTIAL = "partial"  # nothing with every word; services with some of them
    NONE = "none"

    query: str
    mode: str = ALL
    corrected_query: str = ""

    @property
    def is_corrected(self):
        return self.mode == self.CORRECTED

    @property
    def is_partial(self):
        return self.mode == self.PARTIAL


def search_services(
    queryset: QuerySet,
    raw_query: object,
    *,
    thesaurus: Thesaurus | None = None,
    partial: bool = False,
) -> QuerySet:
    """Filter ``queryset`` to the services matching the text, annotated with ``search_rank``.

    Every group of the query must match, or with ``partial`` at least one (ranked by how many
    match). An empty (or, once cleaned, empty) query returns the queryset unchanged and
    unannotated; any other query returns a queryset annotated with ``search_rank``, even when
    it matches nothing.
    """
    query = clean_query(raw_query)
    if not query:
        return queryset
    if thesaurus is None:
        thesaurus = current_thesaurus(queryset.db)
    parsed = parse_query(query, thesaurus)
    if connections[queryset.db].vendor == "postgresql":
        return _full_text_search(queryset, parsed, partial=partial)
    return _contains_search(queryset, parsed, partial=partial)


def search_catalogue(queryset: QuerySet, raw_query: object) -> tuple[QuerySet, SearchOutcome]:
    """The catalogue's search: every word; else typing mistakes corrected; else some words.

    A fixed number of queries whatever the text: the synonyms, then one existence check per
    step tried (at most three, plus one to look for corrections on PostgreSQL).
    """
    query = clean_query(raw_query)
    outcome = SearchOutcome(query)
    if not query:
        return queryset, outcome
    thesaurus = current_thesaurus(queryset.db)
    found = search_services(queryset, query, thesaurus=thesaurus)
    if found.exists():
        return found, outcome
    corrected = suggest_correction(query, thesaurus, using=queryset.db)
    if corrected:
        found_corrected = search_services(queryset, corrected, thesaurus=thesaurus)
        if found_corrected.exists():
            outcome.mode, outcome.corrected_query = SearchOutcome.CORRECTED, corrected
            return found_corrected, outcome
    best_query = corrected or query
    if len(parse_query(best_query, thesaurus).groups) > 1:
        some = search_services(queryset, best_query, thesaurus=thesaurus, partial=True)
        if some.exists():
            outcome.mode = SearchOutcome.PARTIAL
            return some, outcome
    outcome.mode = SearchOutcome.NONE
    return found, outcome


# PostgreSQL ------------------------------------------------------------------------------------


class StoredDocument(Expression):
    """The PostgreSQL-only column ``search_document`` of the table being queried.

    Resolves to a plain column reference on the query's base table, so it follows the table
    when Django relabels aliases (subqueries, counts).
    """

    output_field = SearchVectorField()

    def resolve_expression(self, query=None, *args, **kwargs):
        field = SearchVectorField()
        field.set_attributes_from_name(DOCUMENT_COLUMN)
        field.model = query.model
        return Col(query.get_initial_alias(), field)


def _phrase(text: str) -> SearchQuery:
    return SearchQuery(Unaccent(Value(text)), config=CONFIG, search_type="phrase")


def _prefix(word: str) -> SearchQuery:
    # Only letters reach to_tsquery's own syntax (see _segment), so nothing can be injected.
    return SearchQuery(Unaccent(Value(f"{word}:*")), config=CONFIG, search_type="raw")


def _any(queries: list[SearchQuery]) -> SearchQuery:
    return reduce(operator.or_, queries)


def _full_text_search(queryset: QuerySet, parsed: ParsedQuery, *, partial: bool) -> QuerySet:
    queryset = queryset.alias(search_document=StoredDocument())
    groups = [
        (
            _any([_phrase(t) for t in g.typed + g.synonyms] + [_prefix(p) for p in g.prefixes]),
            _any([_phrase(t) for t in g.typed]),
        )
        for g in parsed.groups
    ]
    excluded = [~_phrase(word) for word in parsed.excluded]
    wanted = [every for every, _typed in groups]
    if wanted:
        condition = reduce(operator.or_ if partial else operator.and_, wanted)
        condition = reduce(operator.and_, excluded, condition)
    elif excluded:
        condition = reduce(operator.and_, excluded)
    else:  # nothing but punctuation: PostgreSQL's empty query, which matches nothing
        condition = _phrase("")
    rank = Value(0.0, output_field=FloatField())
    if groups:
        # In (n, n + 1) for a service matching n groups: how many first, then how well.
        share = 1.0 / (2 * len(groups))
        for every, typed in groups:
            rank = rank + Case(
                When(search_document=every, then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
            rank = rank + share * (
                SearchRank(F("search_document"), every, normalization=32, cover_density=True)
                + SearchRank(F("search_document"), typed, normalization=32, cover_density=True)
            )
    return queryset.filter(search_document=condition).annotate(**{RANK_FIELD: rank})


def suggest_correction(query: str, thesaurus: Thesaurus, *, using: str = "default") -> str:
    """The query with its unknown words replaced by the closest words of the catalogue.

    "" when nothing would change, or on databases other than PostgreSQL. The words come from
    every service, so a correction is only worth showing when it finds visible services.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return ""
    words = [
        word
        for word in parse_query(query, thesaurus).correctable_words
        if len(word) >= MIN_PREFIX_LENGTH and _LETTERS_ONLY.fullmatch(word)
    ]
    if not words:
        return ""
    # Candidates: the words of the catalogue (trigram index) and those of the synonyms.
    synonym_words = sorted(
        {
            token
            for token in _LETTERS_ONLY.findall(fold(" ".join(thesaurus.terms())))
            if len(token) >= MIN_PREFIX_LENGTH
        }
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT EXISTS (SELECT 1 FROM {WORDS_TABLE} known WHERE known.word = typed.word),
                   best.word
              FROM unnest(%s::text[]) WITH ORDINALITY AS typed(word, position)
              LEFT JOIN LATERAL (
                   SELECT candidate.word, similarity(candidate.word, typed.word) AS score
                     FROM (SELECT word FROM {WORDS_TABLE} WHERE word %% typed.word
                           UNION SELECT word FROM unnest(%s::text[]) AS listed(word)
                                  WHERE word %% typed.word) AS candidate
                    WHERE similarity(candidate.word, typed.word) >= %s
                    ORDER BY score DESC, abs(length(candidate.word) - length(typed.word)),
                             candidate.word
                    LIMIT 1) AS best ON true
             ORDER BY typed.position
            """,
            [[fold(word) for word in words], synonym_words, MIN_SIMILARITY],
        )
        replacements = {
            word: best
            for word, (known, best) in zip(words, cursor.fetchall(), strict=True)
            if not known and best
        }
    if not replacements:
        return ""
    corrected = " ".join(
        replacements.get(token.strip(_EDGE_PUNCTUATION), token) for token in query.split()
    )
    return corrected if corrected != query else ""


# SQLite ------------------------------------------------------------------------------------------


def _fold_contains(expression: str, term: str) -> Q | None:
    """Every word of ``term`` (folded, without its final vowel) inside the folded field."""
    keys = [
        key
        for key in term_key(term)
        if len(key) >= 3 and key not in _SQLITE_STOPWORDS or len(term_key(term)) == 1
    ]
    if not keys:
        return None
    return reduce(operator.and_, [Q(**{f"{expression}__contains": key}) for key in keys])


def _joined(*fields) -> Func:
    """The fields joined by spaces, flat: Concat nests one level per field, which SQLite's
    parser cannot take when the expression is repeated for every synonym."""
    return Func(
        *[Coalesce(field, Value("")) for field in fields],
        function="",
        template="(%(expressions)s)",
        arg_joiner=" || ' ' || ",
        output_field=TextField(),
    )


def _contains_search(queryset: QuerySet, parsed: ParsedQuery, *, partial: bool) -> QuerySet:
    from .models import Audience

    if not parsed.groups and not parsed.excluded:
        # Only punctuation: nothing to look for, as with PostgreSQL's empty text query.
        return queryset.annotate(**{RANK_FIELD: Value(0)}).none()
    queryset = queryset.alias(
        _fold_title=Fold("title"),
        _fold_summary=Fold("summary"),
        _fold_rest=Fold(
            _joined(
                "description", "area", "address", "cost_conditions", "provider__name",
                "provider__short_name", "category__name",
                Case(*[When(cost=cost, then=Value(word)) for cost, word in COST_WORDS.items()],
                     default=Value("")),
            )
        ),
    )  # fmt: skip

    def matches(term: str, fields=("_fold_title", "_fold_summary", "_fold_rest")) -> Q:
        conditions = [c for name in fields if (c := _fold_contains(name, term)) is not None]
        if "_fold_rest" in fields:
            audience = _fold_contains("_fold_name", term)
            if audience is not None:
                audiences = Audience.objects.filter(services=OuterRef("pk")).alias(
                    _fold_name=Fold("name")
                )
                conditions.append(Q(Exists(audiences.filter(audience))))
        return reduce(operator.or_, conditions, Q(pk__in=[]))

    def group_matches(group: Group, fields=("_fold_title", "_fold_summary", "_fold_rest")) -> Q:
        return reduce(operator.or_, [matches(t, fields) for t in group.typed + group.synonyms])

    wanted = [group_matches(group) for group in parsed.groups]
    condition = reduce(
        operator.or_ if partial else operator.and_, wanted, Q(pk__in=[]) if partial else Q()
    )
    for word in parsed.excluded:
        condition &= ~matches(word)
    rank = Value(0)
    for group, matched in zip(parsed.groups, wanted, strict=True):
        rank = rank + Case(
            When(group_matches(group, ("_fold_title",)), then=Value(3)),
            When(group_matches(group, ("_fold_summary",)), then=Value(2)),
            When(matched, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return queryset.filter(condition).annotate(**{RANK_FIELD: rank})
