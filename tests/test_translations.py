"""Italian first: every user-facing string has an Italian translation, compiled and current."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
PO_FILE = ROOT / "locale" / "it" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
SOURCE_DIRS = [
    "background",
    "common",
    "distretto",
    "partners",
    "services",
    "agreements",
    "meetings",
    "templates",
]


def live_entries(po):
    return [entry for entry in po if not entry.obsolete]


def test_every_italian_catalogue_entry_is_translated():
    po = polib.pofile(str(PO_FILE))
    missing = [
        entry.msgid
        for entry in live_entries(po)
        if "fuzzy" in entry.flags
        or not (entry.msgstr or all(entry.msgstr_plural.values()) and entry.msgstr_plural)
    ]
    assert missing == []


def test_the_compiled_catalogue_matches_the_sources():
    po = polib.pofile(str(PO_FILE))
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in live_entries(po):
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path):
    # Extract the strings afresh from a copy of the sources and compare with what is committed.
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "it", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(tmp_path / "locale" / "it" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid) for e in live_entries(polib.pofile(str(PO_FILE)))}
    missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed)
    assert missing == [], "run `make messages` and translate the new strings"
