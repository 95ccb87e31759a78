"""The synonyms of the catalogue's search: words people use for the same welfare service.

The list lives in the database (``SynonymGroup``, edited by the coordinator in the admin) and
is seeded from ``services/search_synonyms.toml``, kept in the repository. Matching a query
against it is done here, in Python, on *keys*: words lower-cased, accents removed, split at
hyphens and apostrophes, and without their final vowels, so that "Centri estivi",
"centro estivo" and "CENTRO ESTIVO" are the same term. The database then matches each term
it is given with its own Italian stemming (``services.search``).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

SYNONYMS_FILE = Path(__file__).with_name("search_synonyms.toml")

MAX_TERM_LENGTH = 60
MAX_TERMS_PER_GROUP = 40
MIN_TERMS_PER_GROUP = 2

_VOWELS = "aeiou"
_TOKEN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents: "Attività" -> "attivita"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def word_key(token: str) -> str:
    """A folded word without its final vowels, a poor man's Italian stem: nido/nidi -> nid."""
    stripped = token.rstrip(_VOWELS)
    return stripped if len(stripped) >= 3 else token


def term_key(text: str) -> tuple[str, ...]:
    """The key of a term or of a run of words: the keys of its tokens, in order."""
    return tuple(word_key(token) for token in _TOKEN.findall(fold(text)))


def split_terms(text: str) -> list[str]:
    """The terms written in a text box: one a line (commas separate terms too)."""
    terms = []
    seen = set()
    for line in re.split(r"[\n,;]", text or ""):
        term = " ".join(line.split())
        key = term_key(term)
        if term and key and key not in seen:
            seen.add(key)
            terms.append(term)
    return terms


@dataclass
class Thesaurus:
    """Groups of interchangeable terms, looked up by key."""

    groups: list[list[str]] = field(default_factory=list)

    def __post_init__(self):
        self._by_key: dict[tuple[str, ...], list[int]] = {}
        for index, terms in enumerate(self.groups):
            for term in terms:
                key = term_key(term)
                if key and index not in self._by_key.setdefault(key, []):
                    self._by_key[key].append(index)
        self.longest = max((len(key) for key in self._by_key), default=0)

    def synonyms(self, key: tuple[str, ...]) -> list[str]:
        """Every term of every group the key belongs to (empty when it belongs to none)."""
        terms = []
        for index in self._by_key.get(key, ()):
            terms += [term for term in self.groups[index] if term not in terms]
        return terms

    def terms(self) -> list[str]:
        return [term for terms in self.groups for term in terms]

    def knows(self, word: str) -> bool:
        return term_key(word) in self._by_key

    def segment(self, words: list[str]) -> list[tuple[list[str], list[str]]]:
        """Split a run of words into the longest terms the thesaurus knows.

        Returns ``(words, synonyms)`` pairs in order: a known term of one or more words with
        all its synonyms, or a single unknown word with none.
        """
        keys = [term_key(word) for word in words]
        segments = []
        start = 0
        while start < len(words):
            for end in range(min(len(words), start + self.longest), start, -1):
                key = tuple(part for word_key_ in keys[start:end] for part in word_key_)
                synonyms = self.synonyms(key) if key else []
                if synonyms:
                    segments.append((words[start:end], synonyms))
                    start = end
                    break
            else:
                segments.append((words[start : start + 1], []))
                start += 1
        return segments


def read_file(path: Path = SYNONYMS_FILE) -> list[dict]:
    """The groups written in the repository's file: ``[{"name": ..., "terms": [...]}, ...]``."""
    with path.open("rb") as data:
        groups = tomllib.load(data).get("groups", [])
    return [
        {"name": str(group["name"]), "terms": split_terms("\n".join(group["terms"]))}
        for group in groups
    ]


def load_file_into(model, path: Path = SYNONYMS_FILE) -> int:
    """Add the file's groups missing from the table of ``model`` (matched by name).

    ``model`` is the ``SynonymGroup`` model, or its historical version in a migration.
    Returns how many groups were added; groups already there (perhaps edited) are left alone.
    """
    existing = set(model.objects.values_list("name", flat=True))
    missing = [
        model(name=group["name"], terms="\n".join(group["terms"]))
        for group in read_file(path)
        if group["name"] not in existing
    ]
    model.objects.bulk_create(missing)
    return len(missing)


def current_thesaurus(using: str | None = None) -> Thesaurus:
    """The thesaurus in the database (one small query)."""
    from .models import SynonymGroup

    manager = SynonymGroup.objects.db_manager(using)
    return Thesaurus([split_terms(terms) for terms in manager.values_list("terms", flat=True)])
