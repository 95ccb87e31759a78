"""The demo district's data: the TOML files next to this module, read with the standard library.

- `district.toml`: the real organisations (from the seed text) with their e-mail domains and
  example certifications, and the four agreements with their signatories;
- `catalogue.toml`: categories, audiences and the example welfare services;
- `working_group.toml`: the working group and sub-groups, the quarterly meetings and the
  work programmes' actions;
- `accounts.toml`: the demo accounts.

This module only reads and interprets them (relative dates, the meeting calendar);
`distretto.demo` writes them through the apps' actions.
"""

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")

#: The password given to demo accounts when they are created (never reset afterwards).
DEMO_PASSWORD = "Distretto2026!"


def _read(name: str) -> dict:
    with (Path(__file__).parent / f"{name}.toml").open("rb") as data_file:
        return tomllib.load(data_file)


DISTRICT, CATALOGUE = _read("district"), _read("catalogue")
WORKING_GROUP, PEOPLE = _read("working_group"), _read("accounts")

#: Every example service carries this sentence at the start of its description.
SERVICE_MARKER: str = CATALOGUE["service_marker"]
#: Other example rows (certifications, minutes, actions, programmes) say this.
EXAMPLE_NOTE: str = DISTRICT["example_note"]

FBK = "fondazione-bruno-kessler"
UNITN = "universita-degli-studi-di-trento"
#: The nine signatories of 10 October 2018 and 19 March 2019, in the seed's order.
SIGNATORIES: list[str] = next(
    a["signatories"] for a in DISTRICT["agreements"] if a["slug"] == "accordo-volontario-area-2018"
)


class Account(NamedTuple):
    email: str
    kind: str  # coordinator, admin, referent, employee or citizen
    first_name: str
    last_name: str
    organization: str | None = None  # slug, for referents and employees
    status: str | None = None  # of the affiliation
    verified_via: str | None = None
    request_message: str = ""  # of a pending affiliation


#: The demo accounts, in the order the command prints them.
ACCOUNTS = [Account(**data) for data in PEOPLE["accounts"]]

_RELATIVE_DATE = re.compile(r"Y(?P<offset>[+-]\d+)?-(?P<month>\d\d)-(?P<day>\d\d)")


def relative_date(value, year: int) -> dt.date | None:
    """A date of the data files: a TOML date as it is, or "Y-1-11-20" counted from `year`."""
    if value is None or isinstance(value, dt.date):
        return value
    match = _RELATIVE_DATE.fullmatch(value)
    if match is None:
        raise ValueError(f"Not a demo date: {value!r}")
    return dt.date(year + int(match["offset"] or 0), int(match["month"]), int(match["day"]))


def meeting_title(year: int, quarter: int) -> str:
    meetings = WORKING_GROUP["meetings"]
    ordinal = meetings["quarters"][quarter - 1]["ordinal"]
    return meetings["title"].format(ordinal=ordinal, year=year)


def meeting_times(year: int, quarter: int) -> tuple[dt.datetime, dt.datetime]:
    """The quarter's meeting: on the second Tuesday of its month, at the usual time."""
    meetings = WORKING_GROUP["meetings"]
    first = dt.date(year, meetings["quarters"][quarter - 1]["month"], 1)
    day = first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)
    starts = dt.datetime.combine(day, dt.time.fromisoformat(meetings["starts_at"]), tzinfo=ROME)
    return starts, starts + dt.timedelta(hours=meetings["hours"])
