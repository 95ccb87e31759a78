"""Dates in Italian ("8 ottobre 2018") and the third-party strings our catalogue overrides."""

import datetime as dt
from pathlib import Path

import allauth
import django
import polib
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import date_format

from distretto import catalogue_overrides


@pytest.mark.parametrize(
    ("value", "format_name", "expected"),
    [
        (dt.date(2018, 10, 8), "DATE_FORMAT", "8 ottobre 2018"),
        (dt.date(2019, 3, 19), "DATE_FORMAT", "19 marzo 2019"),
        (dt.date(2014, 6, 1), "YEAR_MONTH_FORMAT", "giugno 2014"),
        (dt.date(2027, 2, 9), "l j F Y", "martedì 9 febbraio 2027"),
        (dt.date(2027, 2, 9), "D j N", "mar 9 feb."),
        (dt.datetime(2027, 2, 9, 14, 30), "DATETIME_FORMAT", "9 febbraio 2027, 14:30"),
        (dt.date(2027, 2, 9), "SHORT_DATE_FORMAT", "09/02/2027"),
    ],
)
def test_italian_dates_have_lowercase_months_and_days_without_leading_zero(
    value, format_name, expected
):
    with translation.override("it"):
        assert date_format(value, format_name) == expected


def test_english_dates_are_british():
    # Not Django's American "Oct. 8, 2018": see tests/distretto/test_date_formats.py.
    with translation.override("en"):
        assert date_format(dt.date(2018, 10, 8), "DATE_FORMAT") == "8 October 2018"


def test_the_password_too_short_error_is_in_italian():
    with translation.override("it"), pytest.raises(ValidationError) as caught:
        validate_password("Ab1!")
    assert any("troppo corta" in message for message in caught.value.messages)


def upstream_msgids():
    """Every (context, msgid) in Django's and allauth's source catalogues."""
    roots = [Path(django.__file__).parent, Path(allauth.__file__).parent]
    found = set()
    for root in roots:
        for po_file in root.glob("**/locale/en/LC_MESSAGES/django.po"):
            found.update((entry.msgctxt, entry.msgid) for entry in polib.pofile(str(po_file)))
    return found


def overridden_msgids():
    for name in dir(catalogue_overrides):
        values = getattr(catalogue_overrides, name)
        if name.isupper():
            for value in values:
                if isinstance(value, str):
                    yield (None, value)
                elif name.startswith("MONTHS_"):
                    yield value._args  # pgettext_lazy(context, msgid)
                else:
                    yield (None, value._kw["singular"])  # ngettext_lazy(singular, plural)


def test_every_overridden_msgid_still_exists_upstream():
    # After an upgrade of Django or allauth a changed msgid would silently stop overriding.
    missing = sorted(set(overridden_msgids()) - upstream_msgids(), key=str)
    assert missing == []
