"""Free-text search over welfare services.

On PostgreSQL: full-text search with the ``italian`` configuration, accents ignored through
``distretto_unaccent`` (an IMMUTABLE wrapper around the ``unaccent`` extension), results ranked
by relevance (title above summary above description). The weighted document lives in a stored
generated column, ``search_document``, with a GIN index; both are created by migration
``services.0002`` on PostgreSQL only, and the model does not declare the column (SQLite has no
such column). Storing the document matters at scale: computing ``to_tsvector`` of every matching
description at query time, only to rank the results, cost seconds with 20,000 services.

On SQLite (the zero set-up database): a case-insensitive "contains" match of every word.
"""

import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import (
    Case,
    Expression,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import Col

CONFIG = "italian"
DOCUMENT_COLUMN = "search_document"
INDEX_NAME = "service_search_document_gin"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
RANK_FIELD = "search_rank"

# Characters worth nothing in a search: quotes and the operators of web search syntax.
_EDGE_PUNCTUATION = "\"'“”‘’«»()[]{}+-*~!?.,;:"


class Unaccent(Func):
    """``distretto_unaccent(text)``: accents removed (IMMUTABLE wrapper of ``unaccent``)."""

    function = "distretto_unaccent"
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


def search_services(queryset: QuerySet, raw_query: object) -> QuerySet:
    """Filter ``queryset`` to the services matching the text, annotated with ``search_rank``.

    An empty (or, once cleaned, empty) query returns the queryset unchanged and unannotated;
    any other query returns a queryset annotated with ``search_rank``, even when it matches
    nothing.
    """
    query = clean_query(raw_query)
    if not query:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        return _full_text_search(queryset, query)
    return _contains_search(queryset, query)


def _full_text_search(queryset: QuerySet, query: str) -> QuerySet:
    ts_query = SearchQuery(Unaccent(Value(query)), config=CONFIG, search_type="websearch")
    return (
        queryset.alias(search_document=StoredDocument())
        .filter(search_document=ts_query)
        .annotate(**{RANK_FIELD: SearchRank(F("search_document"), ts_query)})
    )


def _contains_search(queryset: QuerySet, query: str) -> QuerySet:
    words = query_words(query)
    if not words:
        # Only punctuation: nothing to look for, as with PostgreSQL's empty text query.
        return queryset.annotate(**{RANK_FIELD: Value(0)}).none()
    condition = Q()
    rank = Value(0)
    for word in words:
        condition &= (
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
        )
        rank = rank + Case(
            When(title__icontains=word, then=Value(3)),
            When(summary__icontains=word, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return queryset.filter(condition).annotate(**{RANK_FIELD: rank})
