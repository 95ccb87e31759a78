"""The demo district: the data files in `distretto/demo_data/`, written through the apps' actions.

What is real (from the seed text, `district.toml`): the nine organisations that signed the
area agreement of 10 October 2018 and the partnership agreement of 19 March 2019, the Comune
di Trento in its institutional role, the four agreements with their dates, the quarterly
working group. Everything else — certifications, services, meetings, minutes, programme
actions, people — is example data and says so in its own text.

`load_demo()` is idempotent: every row is looked up by a natural key (slug, code, e-mail,
year, title...) and only written when one of its values differs, so a second run on the
same day creates nothing, changes nothing and leaves `updated_at` untouched; a demo value
changed by hand is put back. Dates move with the year the demo is loaded in, so the district
always has current certificates, this year's programme and a meeting ahead.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements import actions as agreement_actions
from agreements.models import Agreement, Signature
from common.records import Ensured, differing_fields
from common.roles import COORDINATOR_GROUP
from meetings import actions as meeting_actions
from meetings.models import Attendance, Meeting
from partners import actions as partner_actions
from partners.models import Affiliation, Organization
from services import actions as service_actions

ROME = ZoneInfo("Europe/Rome")

#: The password given to demo accounts when they are created (never reset afterwards).
DEMO_PASSWORD = "Distretto2026!"


def _read(name: str) -> dict:
    with (Path(__file__).with_name("demo_data") / f"{name}.toml").open("rb") as data_file:
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

ROLE_LABELS = {
    "coordinator": _("Coordinator (back office)"),
    "admin": _("Technical administrator"),
    "referent": _("Referent"),
    "employee": _("Employee"),
    "citizen": _("No affiliation"),
}


class Account(NamedTuple):
    email: str
    kind: str  # a key of ROLE_LABELS
    first_name: str
    last_name: str
    organization: str | None = None  # slug, for referents and employees
    status: str | None = None  # of the affiliation
    verified_via: str | None = None


#: The demo accounts, in the order the command prints them.
ACCOUNTS = [Account(**data) for data in PEOPLE["accounts"]]


@dataclass
class DemoAccount:
    email: str
    role: str
    organization: str
    status: str


@dataclass
class DemoReport:
    created: int = 0
    updated: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)


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


class _Loader:
    """Walks the data files in dependency order; every write is an action with no actor."""

    def __init__(self, now: dt.datetime):
        self.now, self.today = now, timezone.localdate(now)
        self.year = self.today.year
        self.report = DemoReport()
        self.orgs: dict[str, Organization] = {}
        self.categories, self.audiences, self.services, self.groups = {}, {}, {}, {}
        self.referents = {}  # organisation slug -> its first demo referent

    def track(self, result: Ensured):
        """Count what an `*_ensure` action did and hand back its row."""
        self.report.created += result.created
        self.report.updated += result.updated
        return result.obj

    def put(self, model, lookup: dict, values: dict, *, create, update):
        """With plain create / update actions: create the row, or update what differs."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            self.report.created += 1
            return create(**lookup, **values, actor=None)
        changed = differing_fields(obj, values)
        if changed:
            self.report.updated += 1
            return update(obj, **changed)
        return obj

    def org_list(self, slugs) -> list[Organization]:
        return [self.orgs[slug] for slug in slugs]

    def load(self) -> DemoReport:
        self.load_organizations()
        self.load_agreements()
        self.load_catalogue()
        self.load_accounts()
        self.load_services()
        self.load_working_group()
        self.load_programmes()
        return self.report

    def update_organization(self, org: Organization, **changed) -> Organization:
        if changed.pop("membership_status", None):
            partner_actions.organization_activate(organization=org, actor=None)
        if changed:
            partner_actions.organization_update(organization=org, actor=None, **changed)
        return org

    def load_organizations(self) -> None:
        for slug, data in DISTRICT["organizations"].items():
            values = {**DISTRICT["organization_defaults"], **data, "left_on": None}
            domain, certifications = values.pop("domain"), values.pop("certifications")
            for name in ("latitude", "longitude"):
                values[name] = Decimal(values[name]) if name in values else None
            org = self.orgs[slug] = self.put(
                Organization,
                {"slug": slug},
                values,
                create=partner_actions.organization_create,
                update=self.update_organization,
            )
            self.track(
                partner_actions.email_domain_ensure(domain=domain, organization=org, actor=None)
            )
            for certification in certifications:
                dates = ("registered_on", "granted_on", "expires_on")
                values = {name: relative_date(certification.get(name), self.year) for name in dates}
                result = partner_actions.certification_ensure(
                    organization=org,
                    **certification | values,
                    notes=DISTRICT["certification_note"],
                    actor=None,
                )
                self.track(result)

    def load_agreements(self) -> None:
        agreements: dict[str, Agreement] = {}
        for data in DISTRICT["agreements"]:
            values = {
                **data,
                "is_public": True,
                "predecessor": agreements.get(data.get("predecessor")),
            }
            slug, signatories = values.pop("slug"), values.pop("signatories")
            agreement = agreements[slug] = self.put(
                Agreement,
                {"slug": slug},
                values,
                create=agreement_actions.agreement_create,
                update=lambda agreement, **changed: agreement_actions.agreement_update(
                    agreement=agreement, actor=None, **changed
                ),
            )
            for org in self.org_list(signatories):
                self.put(
                    Signature,
                    {"agreement": agreement, "organization": org},
                    {"signed_on": agreement.signed_on, "withdrawn_on": None},
                    create=lambda withdrawn_on, **fields: agreement_actions.agreement_sign(
                        **fields
                    ),
                    update=lambda signature, **_changed: agreement_actions.signature_update(
                        signature=signature,
                        signed_on=signature.agreement.signed_on,
                        withdrawn_on=None,
                        actor=None,
                    ),
                )

    def load_catalogue(self) -> None:
        for position, data in enumerate(CATALOGUE["categories"], start=1):
            result = service_actions.category_ensure(**data, position=position, actor=None)
            self.categories[data["slug"]] = self.track(result)
        for position, data in enumerate(CATALOGUE["audiences"], start=1):
            result = service_actions.audience_ensure(**data, position=position, actor=None)
            self.audiences[data["code"]] = self.track(result)

    def load_accounts(self) -> None:
        coordinator_group = Group.objects.get(name=COORDINATOR_GROUP)
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing is deliberately slow
        coordinator = None
        for account in ACCOUNTS:
            result = partner_actions.account_ensure(
                email=account.email,
                password=password,
                groups=[coordinator_group] if account.kind == "coordinator" else [],
                first_name=account.first_name,
                last_name=account.last_name,
                is_active=True,
                is_staff=account.kind in ("coordinator", "admin"),
                is_superuser=account.kind == "admin",
                actor=None,
            )
            user = self.track(result)
            coordinator = user if account.kind == "coordinator" else coordinator
            org = self.orgs[account.organization] if account.organization else None
            affiliation = self.load_affiliation(account, user, org, coordinator) if org else None
            self.report.accounts.append(
                DemoAccount(
                    email=account.email,
                    role=str(ROLE_LABELS[account.kind]),
                    organization=org.display_name if org else "",
                    status=str(affiliation.get_status_display()) if affiliation else "",
                )
            )

    def load_affiliation(self, account: Account, user, org, coordinator) -> Affiliation:
        verifiers = {
            Affiliation.VerifiedVia.INVITATION: coordinator,
            Affiliation.VerifiedVia.REFERENT_APPROVAL: self.referents.get(account.organization),
        }
        active = account.status == Affiliation.Status.ACTIVE
        result = partner_actions.affiliation_ensure(
            user=user,
            organization=org,
            role=account.kind if account.kind == "referent" else "employee",
            status=account.status,
            verified_via=account.verified_via or "",
            verified_by=verifiers.get(account.verified_via),
            verified_at=self.now,
            request_message="" if active else PEOPLE["pending_request_message"],
            actor=None,
        )
        if account.kind == "referent":
            self.referents.setdefault(account.organization, user)
        return self.track(result)

    def load_services(self) -> None:
        year = self.year
        seasons = {
            name: {key: relative_date(day, year) for key, day in period.items()}
            for name, period in CATALOGUE["seasons"].items()
        }
        # Verification dates move with the quarter, so they always look recent.
        quarter_start = dt.date(year, 3 * ((self.today.month - 1) // 3) + 1, 1)
        first_publication = dt.datetime(year - 1, 9, 1, 9, 0, tzinfo=ROME)
        for index, data in enumerate(CATALOGUE["services"]):
            values = {**CATALOGUE["service_defaults"], **data}
            season = seasons.get(values.pop("season", None), {})
            text, eligible = values.pop("text"), values.pop("eligible", [])
            published = values["status"] != "draft"
            values |= {
                "provider": self.orgs[data["provider"]],
                "title": data["title"].format(last_year=year - 1),
                "description": f"{SERVICE_MARKER}\n\n{text}",
                "category": self.categories[data["category"]],
                "audiences": [self.audiences[code] for code in data["audiences"]],
                "eligible_organizations": self.org_list(eligible),
                "available_from": season.get("available_from"),
                "available_until": season.get("available_until"),
                "published_at": first_publication + dt.timedelta(days=3 * index)
                if published
                else None,
                "last_verified_on": quarter_start - dt.timedelta(days=2 * index + 1),
                "created_by": self.referents.get(data["provider"]),
            }
            result = service_actions.service_ensure(**values, actor=None)
            self.services[data["slug"]] = self.track(result)

    def load_working_group(self) -> None:
        for data in WORKING_GROUP["groups"]:
            result = meeting_actions.working_group_ensure(
                **data
                | {
                    "parent": self.groups.get(data.get("parent")),
                    "coordinator": self.orgs[data["coordinator"]],
                    "members": self.org_list(data["members"]),
                },
                actor=None,
            )
            self.groups[data["slug"]] = self.track(result)
        main = WORKING_GROUP["groups"][0]
        members = self.org_list(main["members"])
        quarters = [(year, q) for year in (self.year - 1, self.year) for q in (1, 2, 3, 4)]
        # Next year's first meeting is always convened already, so the portal has one ahead.
        for year, quarter in [*quarters, (self.year + 1, 1)]:
            self.load_meeting(self.groups[main["slug"]], members, year, quarter)

    def load_meeting(self, group, members, year: int, quarter: int) -> None:
        settings = WORKING_GROUP["meetings"]
        quarter_data = settings["quarters"][quarter - 1]
        starts, ends = meeting_times(year, quarter)
        held = ends <= self.now
        agenda = [item.format(year=year, next_year=year + 1) for item in quarter_data["agenda"]]
        S = Attendance.Status
        if held:  # a made-up but stable pattern of who came
            statuses = [
                S.ATTENDED if (i + quarter + year) % 5 else S.ABSENT for i in range(len(members))
            ]
        else:
            statuses = [
                S.INVITED if (i + quarter) % 2 else S.CONFIRMED for i in range(len(members))
            ]
        minutes = settings["minutes"].format(
            note=EXAMPLE_NOTE,
            present=statuses.count(S.ATTENDED),
            members=len(members),
            agenda="; ".join(agenda),
        )
        meeting = self.put(
            Meeting,
            {"group": group, "title": meeting_title(year, quarter)},
            {
                "starts_at": starts,
                "ends_at": ends,
                "place": quarter_data["place"],
                "online_url": "" if quarter_data["place"] else settings["online_url"],
                "status": Meeting.Status.HELD if held else Meeting.Status.SCHEDULED,
                "minutes": minutes if held else "",
            },
            create=meeting_actions.meeting_schedule,
            update=lambda meeting, **changed: meeting_actions.meeting_update(
                meeting=meeting, actor=None, **changed
            ),
        )
        for position, title in enumerate(agenda, start=1):
            result = meeting_actions.agenda_item_ensure(
                meeting=meeting, position=position, title=title, notes="", actor=None
            )
            self.track(result)
        for org, status in zip(members, statuses, strict=True):
            result = meeting_actions.attendance_ensure(
                meeting=meeting, organization=org, status=status, representative="", actor=None
            )
            self.track(result)

    def load_programmes(self) -> None:
        settings = WORKING_GROUP["programmes"]
        for which, year in (("previous", self.year - 1), ("current", self.year)):
            first_meeting, _end = meeting_times(year, 1)
            result = meeting_actions.work_programme_ensure(
                year=year,
                title=settings["title"].format(year=year),
                summary=settings["summary"].format(note=EXAMPLE_NOTE, year=year),
                approved_on=first_meeting.date() if first_meeting <= self.now else None,
                actor=None,
            )
            programme = self.track(result)
            actions = [data for data in settings["actions"] if which in data["status"]]
            for position, data in enumerate(actions, start=1):
                result = meeting_actions.programme_action_ensure(
                    programme=programme,
                    title=data["title"],
                    area=data["area"],
                    description=f"{data['description']} {settings['action_note']}",
                    lead_organization=self.orgs[data["lead"]],
                    subgroup=self.groups.get(data.get("subgroup")),
                    status=data["status"][which],
                    position=position,
                    partners=self.org_list(data["partners"]),
                    services=[self.services[slug] for slug in data.get("services", [])],
                    actor=None,
                )
                self.track(result)


def load_demo(*, now: dt.datetime | None = None) -> DemoReport:
    """Load (or bring back) the demo district; safe to run any number of times."""
    with transaction.atomic():
        return _Loader(now or timezone.now()).load()
