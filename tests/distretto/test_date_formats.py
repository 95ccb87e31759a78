"""One date style per language: Italian as Italians write, British English on /en/.

Pages, mail and the admin all format through Django's named formats (FORMAT_MODULE_PATH:
distretto/formats/<language>/formats.py), so checking the formats checks them all.
"""

import datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation

MOMENT = datetime.datetime(2019, 3, 19, 14, 30)

EXPECTED = {
    "it": {
        "DATE_FORMAT": "19 marzo 2019",
        "DATETIME_FORMAT": "19 marzo 2019, 14:30",
        "SHORT_DATE_FORMAT": "19/03/2019",
        "SHORT_DATETIME_FORMAT": "19/03/2019 14:30",
        "TIME_FORMAT": "14:30",
        "YEAR_MONTH_FORMAT": "marzo 2019",
    },
    "en": {
        "DATE_FORMAT": "19 March 2019",
        "DATETIME_FORMAT": "19 March 2019, 14:30",
        "SHORT_DATE_FORMAT": "19/03/2019",
        "SHORT_DATETIME_FORMAT": "19/03/2019 14:30",
        "TIME_FORMAT": "14:30",
        "YEAR_MONTH_FORMAT": "March 2019",
    },
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_each_language_has_one_date_style(language):
    with translation.override(language):
        written = {name: formats.date_format(MOMENT, name) for name in EXPECTED[language]}
    assert written == EXPECTED[language]


def test_english_templates_write_british_dates_and_24_hour_times():
    template = Template('{{ d|date:"DATE_FORMAT" }} {{ d|date:"SHORT_DATE_FORMAT" }} {{ d|time }}')
    with translation.override("en"):
        assert template.render(Context({"d": MOMENT})) == "19 March 2019 19/03/2019 14:30"


def test_english_date_fields_read_the_day_first():
    with translation.override("en"):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
        from django import forms

        assert forms.DateField().clean("20/11/2025") == datetime.date(2025, 11, 20)


def test_the_english_admin_shows_british_dates(client, coordinator, org_a):
    from django.utils import timezone

    from common.audit import log_action

    log_action(coordinator, org_a, "Checked.")
    entry_time = timezone.localtime()
    client.force_login(coordinator)
    html = client.get(f"/en/admin/partners/organization/{org_a.pk}/history/").content.decode()
    with translation.override("en"):
        british = formats.date_format(entry_time, "j F Y")
    assert british in html
    assert "a.m." not in html and "p.m." not in html
