"""English pages are in English: a walk through every page under /en/, for every role.

On the demo district, each role follows every link of the site from /en/ (the back office
aside: Django's admin has its own translations) and reads the visible text: what people
wrote may be Italian, inside an element marked lang="it"; everything else must contain no
Italian vocabulary — the Italian names of the district's categories, audiences, working
groups and programmes, and no text that is an Italian translation from our catalogue — and
no American dates.
"""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings

from distretto import demo
from meetings.models import WorkingGroup, WorkProgramme
from services.models import Audience, Category
from tests import factories

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "it" / "LC_MESSAGES" / "django.po"
MAX_PAGES = 250
# Addresses the walk does not follow: the admin (Django's own catalogue), files, feeds,
# the language switch and whatever changes state on GET-less links.
SKIPPED = re.compile(
    r"^/en/(admin/|account/logout/|account/2fa/)|\.(ics|pdf|xml|json|csv|txt)$|/i18n/"
)
AMERICAN_DATE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}\b"
    r"|\b\d{1,2}:\d{2} ?[ap]\.m\.|\b[ap]\.m\."
)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr", "use", "path", "circle", "rect"}


class VisibleText(HTMLParser):
    """Text a reader sees or hears, outside elements marked as Italian."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []
        self.texts: list[str] = []
        self.links: list[str] = []
        self.hidden_depth = 0

    def _italian(self):
        return any(italian for _tag, italian in self.open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        italian = (attrs.get("lang") or "").startswith("it")
        if not italian and not self._italian():
            for name in ("aria-label", "placeholder", "alt", "title"):
                if attrs.get(name):
                    self.texts.append(attrs[name].strip())
        if tag in VOID:
            return
        self.open.append((tag, italian))
        if tag in ("script", "style", "template"):
            self.hidden_depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.open:
            closed, _italian = self.open.pop()
            if closed in ("script", "style", "template"):
                self.hidden_depth -= 1
            if closed == tag:
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.hidden_depth and not self._italian():
            self.texts.append(text)


def italian_vocabulary() -> tuple[set[str], set[str]]:
    """(Italian names of the district's vocabulary, Italian sentences of our catalogue)."""
    names = set()
    for model, field in (
        (Category, "name"),
        (Audience, "name"),
        (WorkingGroup, "name"),
        (WorkProgramme, "title"),
    ):
        for italian, english in model.objects.values_list(field, f"{field}_en"):
            if italian != english:
                names.add(italian)
    sentences, english = set(), set()
    catalogue = polib.pofile(str(CATALOGUE))
    for entry in catalogue:
        english.add(" ".join(entry.msgid.split()))
        english.add(" ".join(entry.msgid_plural.split()))
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags or entry.msgid_plural:
            continue
        italian = " ".join(entry.msgstr.split())
        if (
            italian
            and italian != " ".join(entry.msgid.split())
            and "%" not in italian
            and "{" not in italian
            and len(italian) > 3
        ):
            sentences.add(italian)
    # "Date", "E-mail": Italian translations that are English words too.
    return names, sentences - english


def walk(client):
    """Every page reachable from /en/ by links, with its visible text."""
    seen, queue, pages = {"/en/"}, deque(["/en/"]), {}
    while queue and len(pages) < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = VisibleText()
        parser.feed(response.content.decode())
        pages[path] = parser.texts
        for link in parser.links:
            link = link.split("#")[0]
            if not link.startswith("/en/") or SKIPPED.search(link) or link in seen:
                continue
            # One page of each list is enough: query strings repeat the same vocabulary.
            if "page=" in link:
                continue
            seen.add(link)
            queue.append(link)
    return pages


ROLES = {
    "visitor": None,
    "employee": "dipendente@fbk.eu",
    "referent": "referente@fbk.eu",
    "waiting": "nuovo.collega@example.net",
    "coordinator": "coordinatore@comune.trento.it",
}


@pytest.mark.parametrize("role", ROLES)
def test_english_pages_hold_no_italian_vocabulary_outside_italian_content(client, db, role):
    from django.contrib.auth import get_user_model

    demo.load_demo()
    if ROLES[role]:
        client.force_login(get_user_model().objects.get(email=ROLES[role]))
    names, sentences = italian_vocabulary()
    pages = walk(client)
    assert len(pages) > 10, pages.keys()

    problems = []
    for path, texts in pages.items():
        for text in texts:
            if text in sentences or any(
                text == name or (" " in name and name in text) for name in names
            ):
                problems.append(f"{path}: Italian {text!r}")
            if AMERICAN_DATE.search(text):
                problems.append(f"{path}: American date {text!r}")
    assert not problems, "\n".join(sorted(set(problems))[:60])


def test_the_walk_reads_text_outside_italian_content_only():
    parser = VisibleText()
    parser.feed(
        '<p>Category</p><p lang="it">Infanzia <b>e scuola</b></p>'
        '<a href="/en/x/" aria-label="Assistenza anziani">x</a><script>var a="Tutti";</script>'
        "<br><p>Families<img alt='Famiglie'></p>"
    )
    assert parser.texts == ["Category", "Assistenza anziani", "x", "Families", "Famiglie"]
    assert parser.links == ["/en/x/"]


def test_what_people_wrote_is_marked_italian_on_english_pages_only(client, db):
    provider = factories.make_organization("Alfa")
    service = factories.make_service(provider, description="Un servizio per le famiglie.")
    path = service.get_absolute_url()  # before a request leaves English active
    english = client.get(f"/en{path}").content.decode()
    italian = client.get(path).content.decode()
    assert '<div lang="it"><p>Un servizio per le famiglie.</p></div>' in english
    assert '<h1 id="service-title" lang="it">' in english
    # On Italian pages the page's own lang says it all.
    assert '<div lang="it">' not in italian and '<h1 id="service-title" lang="it">' not in italian


def test_the_vocabulary_is_english_on_english_pages(client, db):
    category = factories.make_category("Infanzia e scuola", name_en="Childhood and school")
    factories.make_service(factories.make_organization("Alfa"), category=category)
    english = client.get("/en/servizi/").content.decode()
    italian = client.get("/servizi/").content.decode()
    assert "Childhood and school" in english and "Infanzia e scuola" not in english
    assert "Infanzia e scuola" in italian and "Childhood and school" not in italian
