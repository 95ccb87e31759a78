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

DATA_DIR = Path(__file__).with_name("demo_data")
ROME = ZoneInfo("Europe/Rome")

#: The password given to demo accounts when they are created (never reset afterwards).
DEMO_PASSWORD = "Distretto2026!"


def _read(name: str) -> dict:
    with (DATA_DIR / f"{name}.toml").open("rb") as data_file:
        return tomllib.load(data_file)


DISTRICT = _read("district")
CATALOGUE = _read("catalogue")
WORKING_GROUP = _read("working_group")
PEOPLE = _read("accounts")

#: Every example service carries this sentence at the start of its description.
SERVICE_MARKER: str = CATALOGUE["service_marker"]
#: Other example rows (certifications, minutes, actions, programmes) say this.
EXAMPLE_NOTE: str = DISTRICT["example_note"]

FBK = "fondazione-bruno-kessler"
UNITN = "universita-degli-studi-di-trento"
COMUNE = "comune-di-trento"
#: The nine signatories of 10 October 2018 and 19 March 2019, in the seed's order.
SIGNATORIES: list[str] = next(
    a["signatories"] for a in DISTRICT["agreements"] if a["slug"] == "accordo-volontario-area-2018"
)

COORDINATOR, ADMIN, REFERENT, EMPLOYEE, CITIZEN = (
    "coordinator",
    "admin",
    "referent",
    "employee",
    "citizen",
)
ROLE_LABELS = {
    COORDINATOR: _("Coordinator (back office)"),
    ADMIN: _("Technical administrator"),
    REFERENT: _("Referent"),
    EMPLOYEE: _("Employee"),
    CITIZEN: _("No affiliation"),
}


class Account(NamedTuple):
    email: str
    kind: str
    first_name: str
    last_name: str
    organization: str | None = None
    status: str | None = None
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


def _second_tuesday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)


def meeting_title(year: int, quarter: int) -> str:
    meetings = WORKING_GROUP["meetings"]
    ordinal = meetings["quarters"][quarter - 1]["ordinal"]
    return meetings["title"].format(ordinal=ordinal, year=year)


def meeting_times(year: int, quarter: int) -> tuple[dt.datetime, dt.datetime]:
    """The quarter's meeting: the second Tuesday of its month, at the usual time."""
    meetings = WORKING_GROUP["meetings"]
    day = _second_tuesday(year, meetings["quarters"][quarter - 1]["month"])
    time = dt.time.fromisoformat(meetings["starts_at"])
    starts = dt.datetime.combine(day, time, tzinfo=ROME)
    return starts, starts + dt.timedelta(hours=meetings["hours"])


class _Loader:
    """Walks the data files in dependency order; every write is an action with no actor."""

    def __init__(self, now: dt.datetime):
        self.now = now
        self.today = timezone.localdate(now)
        self.year = self.today.year
        self.report = DemoReport()
        self.orgs: dict[str, Organization] = {}
        self.categories: dict = {}
        self.audiences: dict = {}
        self.services: dict = {}
        self.groups: dict = {}
        self.referents: dict = {}

    def track(self, result: Ensured):
        """Count what an `*_ensure` action did and hand back its row."""
        self.report.created += result.created
        self.report.updated += result.updated
        return result.obj

    def put(self, model, lookup: dict, values: dict, *, create, update):
        """For the plain create / update actions: create the row, or update what differs."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            self.report.created += 1
            return create(**lookup, **values)
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
        self.load_catalogue_vocabulary()
        self.load_accounts()
        self.load_services()
        self.load_groups()
        self.load_meetings()
        self.load_programmes()
        return self.report

    def load_organizations(self) -> None:
        for slug, data in DISTRICT["organizations"].items():
            data = dict(data)
            domain, certifications = data.pop("domain"), data.pop("certifications")
            values = {
                "role": Organization.Role.PARTNER,
                "short_name": "",
                "website": "",
                "contact_email": "",
                "address": "",
                "area": "",
                **data,
                "latitude": Decimal(data["latitude"]) if "latitude" in data else None,
                "longitude": Decimal(data["longitude"]) if "longitude" in data else None,
                "membership_status": Organization.MembershipStatus.ACTIVE,
                "joined_on": DISTRICT["joined_on"],
                "left_on": None,
            }
            org = self.put(
                Organization,
                {"slug": slug},
                values,
                create=lambda **fields: partner_actions.organization_create(actor=None, **fields),
                update=lambda org, **fields: partner_actions.organization_update(
                    organization=org, actor=None, **fields
                ),
            )
            self.orgs[slug] = org
            self.track(
                partner_actions.email_domain_ensure(domain=domain, organization=org, actor=None)
            )
            for certification in certifications:
                dates = {
                    name: relative_date(certification.get(name), self.year)
                    for name in ("registered_on", "granted_on", "expires_on")
                }
                result = partner_actions.certification_ensure(
                    organization=org,
                    phase=certification["phase"],
                    status=certification["status"],
                    **dates,
                    notes=DISTRICT["certification_note"],
                    actor=None,
                )
                self.track(result)

    def load_agreements(self) -> None:
        agreements: dict[str, Agreement] = {}
        for data in DISTRICT["agreements"]:
            values = {
                "kind": data["kind"],
                "title": data["title"],
                "signed_on": data["signed_on"],
                "signed_on_precision": data["signed_on_precision"],
                "summary": data["summary"],
                "is_public": True,
                "predecessor": agreements.get(data.get("predecessor")),
            }
            agreement = self.put(
                Agreement,
                {"slug": data["slug"]},
                values,
                create=lambda **fields: agreement_actions.agreement_create(actor=None, **fields),
                update=lambda agreement, **fields: agreement_actions.agreement_update(
                    agreement=agreement, actor=None, **fields
                ),
            )
            agreements[data["slug"]] = agreement
            for org in self.org_list(data["signatories"]):
                self.put(
                    Signature,
                    {"agreement": agreement, "organization": org},
                    {"signed_on": agreement.signed_on, "withdrawn_on": None},
                    create=lambda withdrawn_on, **fields: agreement_actions.agreement_sign(
                        actor=None, **fields
                    ),
                    update=lambda signature, **_changed: agreement_actions.signature_update(
                        signature=signature,
                        signed_on=signature.agreement.signed_on,
                        withdrawn_on=None,
                        actor=None,
                    ),
                )

    def load_catalogue_vocabulary(self) -> None:
        for position, data in enumerate(CATALOGUE["categories"], start=1):
            data = dict(data)
            result = service_actions.category_ensure(
                slug=data.pop("slug"), position=position, actor=None, **data
            )
            self.categories[result.obj.slug] = self.track(result)
        for position, data in enumerate(CATALOGUE["audiences"], start=1):
            result = service_actions.audience_ensure(
                code=data["code"], name=data["name"], position=position, actor=None
            )
            self.audiences[result.obj.code] = self.track(result)

    def load_accounts(self) -> None:
        coordinator_group = Group.objects.get(name=COORDINATOR_GROUP)
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing is deliberately slow
        coordinator = None
        for account in ACCOUNTS:
            user = self.track(
                partner_actions.account_ensure(
                    email=account.email,
                    password=password,
                    groups=[coordinator_group] if account.kind == COORDINATOR else [],
                    first_name=account.first_name,
                    last_name=account.last_name,
                    is_active=True,
                    is_staff=account.kind in (COORDINATOR, ADMIN),
                    is_superuser=account.kind == ADMIN,
                    actor=None,
                )
            )
            if account.kind == COORDINATOR:
                coordinator = user
            org = self.orgs[account.organization] if account.organization else None
            status_label = ""
            if org is not None:
                affiliation = self.load_affiliation(account, user, org, coordinator)
                status_label = affiliation.get_status_display()
            self.report.accounts.append(
                DemoAccount(
                    email=account.email,
                    role=str(ROLE_LABELS[account.kind]),
                    organization=org.display_name if org else "",
                    status=str(status_label),
                )
            )

    def load_affiliation(self, account: Account, user, org, coordinator) -> Affiliation:
        via = account.verified_via
        verifier = None
        if via == Affiliation.VerifiedVia.INVITATION:
            verifier = coordinator
        elif via == Affiliation.VerifiedVia.REFERENT_APPROVAL:
            verifier = self.referents.get(account.organization)
        active = account.status == Affiliation.Status.ACTIVE
        result = partner_actions.affiliation_ensure(
            user=user,
            organization=org,
            role=Affiliation.Role.REFERENT
            if account.kind == REFERENT
            else Affiliation.Role.EMPLOYEE,
            status=account.status,
            verified_via=via or "",
            verified_by=verifier,
            verified_at=self.now,
            request_message="" if active else PEOPLE["pending_request_message"],
            actor=None,
        )
        if account.kind == REFERENT:
            self.referents.setdefault(account.organization, user)
        return self.track(result)

    def load_services(self) -> None:
        year = self.year
        seasons = {
            name: tuple(
                relative_date(period[key], year) for key in ("available_from", "available_until")
            )
            for name, period in CATALOGUE["seasons"].items()
        }
        # Verification dates move with the quarter, so they always look recent.
        quarter_start = dt.date(year, 3 * ((self.today.month - 1) // 3) + 1, 1)
        first_publication = dt.datetime(year - 1, 9, 1, 9, 0, tzinfo=ROME)
        for index, data in enumerate(CATALOGUE["services"]):
            status = data.get("status", "published")
            available_from, available_until = seasons.get(data.get("season"), (None, None))
            result = service_actions.service_ensure(
                slug=data["slug"],
                provider=self.orgs[data["provider"]],
                title=data["title"].format(last_year=year - 1),
                summary=data["summary"],
                description=f"{SERVICE_MARKER}\n\n{data['text']}",
                category=self.categories[data["category"]],
                audiences=[self.audiences[code] for code in data["audiences"]],
                eligibility=data.get("eligibility", "all_partners"),
                eligible_organizations=self.org_list(data.get("eligible", [])),
                cost=data.get("cost", "free"),
                cost_conditions=data.get("cost_conditions", ""),
                address=data.get("address", ""),
                area=data.get("area", ""),
                is_online=data.get("online", False),
                available_from=available_from,
                available_until=available_until,
                status=status,
                is_featured=data.get("featured", False),
                published_at=(
                    None if status == "draft" else first_publication + dt.timedelta(days=3 * index)
                ),
                last_verified_on=quarter_start - dt.timedelta(days=2 * index + 1),
                created_by=self.referents.get(data["provider"]),
                actor=None,
            )
            self.services[data["slug"]] = self.track(result)

    def load_groups(self) -> None:
        for data in WORKING_GROUP["groups"]:
            result = meeting_actions.working_group_ensure(
                slug=data["slug"],
                name=data["name"],
                parent=self.groups[data["parent"]] if "parent" in data else None,
                coordinator=self.orgs[data["coordinator"]],
                description=data["description"],
                members=self.org_list(data["members"]),
                actor=None,
            )
            self.groups[data["slug"]] = self.track(result)

    def load_meetings(self) -> None:
        group = self.groups[WORKING_GROUP["groups"][0]["slug"]]
        members = self.org_list(WORKING_GROUP["groups"][0]["members"])
        for year in (self.year - 1, self.year):
            for quarter in (1, 2, 3, 4):
                self.load_meeting(group, members, year, quarter)
        # Next year's first meeting is always convened already, so the portal has one ahead.
        self.load_meeting(group, members, self.year + 1, 1)

    def load_meeting(self, group, members, year: int, quarter: int) -> None:
        settings = WORKING_GROUP["meetings"]
        starts, ends = meeting_times(year, quarter)
        held = ends <= self.now
        place = settings["quarters"][quarter - 1]["place"]
        agenda = [
            item.format(year=year, next_year=year + 1)
            for item in settings["quarters"][quarter - 1]["agenda"]
        ]
        attendance = {}
        for index, org in enumerate(members):
            if held:
                present = (index + quarter + year) % 5 != 0
                attendance[org] = (
                    Attendance.Status.ATTENDED if present else Attendance.Status.ABSENT
                )
            else:
                confirmed = (index + quarter) % 2 == 0
                attendance[org] = (
                    Attendance.Status.CONFIRMED if confirmed else Attendance.Status.INVITED
                )
        minutes = ""
        if held:
            minutes = settings["minutes"].format(
                note=EXAMPLE_NOTE,
                present=sum(1 for s in attendance.values() if s == Attendance.Status.ATTENDED),
                members=len(members),
                agenda="; ".join(agenda),
            )
        meeting = self.put(
            Meeting,
            {"group": group, "title": meeting_title(year, quarter)},
            {
                "starts_at": starts,
                "ends_at": ends,
                "place": place,
                "online_url": "" if place else settings["online_url"],
                "status": Meeting.Status.HELD if held else Meeting.Status.SCHEDULED,
                "minutes": minutes,
            },
            create=lambda **fields: meeting_actions.meeting_schedule(actor=None, **fields),
            update=lambda meeting, **fields: meeting_actions.meeting_update(
                meeting=meeting, actor=None, **fields
            ),
        )
        for position, title in enumerate(agenda, start=1):
            self.track(
                meeting_actions.agenda_item_ensure(
                    meeting=meeting, position=position, title=title, notes="", actor=None
                )
            )
        for org, status in attendance.items():
            self.track(
                meeting_actions.attendance_ensure(
                    meeting=meeting, organization=org, status=status, representative="", actor=None
                )
            )

    def load_programmes(self) -> None:
        settings = WORKING_GROUP["programmes"]
        for which, year in (("previous", self.year - 1), ("current", self.year)):
            first_meeting, _end = meeting_times(year, 1)
            programme = self.track(
                meeting_actions.work_programme_ensure(
                    year=year,
                    title=settings["title"].format(year=year),
                    summary=settings["summary"].format(note=EXAMPLE_NOTE, year=year),
                    approved_on=first_meeting.date() if first_meeting <= self.now else None,
                    actor=None,
                )
            )
            actions = [data for data in settings["actions"] if which in data["status"]]
            for position, data in enumerate(actions, start=1):
                result = meeting_actions.programme_action_ensure(
                    programme=programme,
                    title=data["title"],
                    area=data["area"],
                    description=f"{data['description']} {settings['action_note']}",
                    lead_organization=self.orgs[data["lead"]],
                    subgroup=self.groups[data["subgroup"]] if "subgroup" in data else None,
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
