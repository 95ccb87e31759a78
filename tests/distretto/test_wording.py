"""The glossary (docs/glossary.md) on allauth's pages: "Log in", "e-mail", sentence case."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.distretto.test_english_pages import VisibleText

ENGLISH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
PAGES = [
    "/en/account/login/",
    "/en/account/signup/",
    "/en/account/password/reset/",
]
SIGNED_IN_PAGES = ["/en/account/email/", "/en/account/password/change/", "/en/account/profilo/"]


def visible(response):
    parser = VisibleText()
    parser.feed(response.content.decode())
    return parser.texts


def reworded():
    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(ENGLISH))}


def test_the_english_rewording_compiles_and_matches_its_source():
    source = polib.pofile(str(ENGLISH))
    compiled = polib.mofile(str(ENGLISH.with_suffix(".mo")))
    assert {(e.msgid, e.msgstr) for e in source} == {(e.msgid, e.msgstr) for e in compiled}


@pytest.mark.parametrize("path", PAGES)
def test_allauth_pages_speak_the_glossary_in_english(client, db, path):
    texts = visible(client.get(path))
    wrong = [text for text in texts if text in reworded() and reworded()[text] != text]
    assert not wrong
    assert not any("Email" in text or "Sign In" in text for text in texts), texts


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_account_pages_speak_the_glossary_in_english(client, unaffiliated, path):
    client.force_login(unaffiliated)
    texts = visible(client.get(path))
    assert not any("Email" in text or "Sign In" in text or "Sign Out" in text for text in texts)


def test_the_login_page_says_log_in_in_both_languages(client, db):
    assert "Log in" in visible(client.get("/en/account/login/"))
    # (VisibleText leaves Italian out: on Italian pages, everything.)
    assert ">Accedi<" in client.get("/account/login/").content.decode()
