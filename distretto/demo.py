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
import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from agreements import actions as agreement_actions
from agreements.models import Agreement, Signature
from common.records import Ensured, create_or_update
from common.roles import COORDINATOR_GROUP
from distretto.demo_data import (
    ACCOUNTS,
    CATALOGUE,
    DEMO_PASSWORD,
    DISTRICT,
    EXAMPLE_NOTE,
    ROME,
    SERVICE_MARKER,
    WORKING_GROUP,
    Account,
    meeting_times,
    meeting_title,
    relative_date,
)
from meetings import actions as meeting_actions
from meetings.models import Attendance, Meeting
from partners import actions as partner_actions
from partners.models import Affiliation, Organization
from services import actions as service_actions

# For `load_demo`'s summary: developer-facing, in English like the README.
ROLE_LABELS = {
    "coordinator": "Coordinator (back office)",
    "admin": "Technical administrator",
    "referent": "Referent",
    "employee": "Employee",
    "citizen": "No affiliation",
}


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


class _Loader:
    """Walks the data files in dependency order; every write is an action, with no actor."""

    def __init__(self, now: dt.datetime):
        self.now, self.today = now, timezone.localdate(now)
        self.year = self.today.year
        self.report = DemoReport()
        self.orgs: dict[str, Organization] = {}
        self.categories, self.audiences, self.services, self.groups = {}, {}, {}, {}
        self.referents = {}  # organisation slug -> its first demo referent

    def count(self, result: Ensured):
        """Count what an action did and hand back its row."""
        self.report.created += result.created
        self.report.updated += result.updated
        return result.obj

    def ensure(self, action, **fields):
        """Call an `*_ensure` action (no actor: nobody in particular loads the demo)."""
        return self.count(action(**fields, actor=None))

    def put(self, model, lookup: dict, values: dict, *, create, update, name: str):
        """The same with plain create / update actions (see common.records.create_or_update)."""
        result = create_or_update(
            model, lookup, values, create=create, update=update, name=name, actor=None
        )
        return self.count(result)

    def org_list(self, slugs) -> list[Organization]:
        return [self.orgs[slug] for slug in slugs]

    @staticmethod
    def optional(rows: dict, key: str | None):
        """The row named by an optional reference of the data files (a missing key raises)."""
        return None if key is None else rows[key]

    def load(self) -> DemoReport:
        self.load_organizations()
        self.load_agreements()
        self.load_catalogue()
        self.load_accounts()
        self.load_services()
        self.load_working_group()
        self.load_programmes()
        return self.report

    @staticmethod
    def update_organization(*, organization: Organization, membership_status: str, **fields):
        if organization.membership_status != membership_status:  # only ever back to active
            partner_actions.organization_activate(organization=organization, actor=None)
        return partner_actions.organization_update(organization=organization, **fields)

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
                name="organization",
            )
            self.ensure(partner_actions.email_domain_ensure, domain=domain, organization=org)
            for certification in certifications:
                dates = ("registered_on", "granted_on", "expires_on")
                dates = {name: relative_date(certification.get(name), self.year) for name in dates}
                self.ensure(
                    partner_actions.certification_ensure,
                    **certification | dates,
                    organization=org,
                    notes=DISTRICT["certification_note"],
                )

    def load_agreements(self) -> None:
        agreements: dict[str, Agreement] = {}
        for data in DISTRICT["agreements"]:
            values = {**data, "is_public": True}
            slug, signatories = values.pop("slug"), values.pop("signatories")
            values["predecessor"] = self.optional(agreements, data.get("predecessor"))
            agreement = agreements[slug] = self.put(
                Agreement,
                {"slug": slug},
                values,
                create=agreement_actions.agreement_create,
                update=agreement_actions.agreement_update,
                name="agreement",
            )
            for org in self.org_list(signatories):
                self.put(
                    Signature,
                    {"agreement": agreement, "organization": org},
                    {"signed_on": agreement.signed_on, "withdrawn_on": None},
                    create=lambda withdrawn_on, **fields: agreement_actions.agreement_sign(
                        **fields
                    ),
                    update=agreement_actions.signature_update,
                    name="signature",
                )

    def load_catalogue(self) -> None:
        for position, data in enumerate(CATALOGUE["categories"], start=1):
            category = self.ensure(service_actions.category_ensure, **data, position=position)
            self.categories[data["slug"]] = category
        for position, data in enumerate(CATALOGUE["audiences"], start=1):
            audience = self.ensure(service_actions.audience_ensure, **data, position=position)
            self.audiences[data["code"]] = audience

    def load_accounts(self) -> None:
        coordinator_group = Group.objects.get(name=COORDINATOR_GROUP)
        password = make_password(DEMO_PASSWORD)  # hashed once: hashing is deliberately slow
        coordinator = None
        for account in ACCOUNTS:
            user = self.ensure(
                partner_actions.account_ensure,
                email=account.email,
                password=password,
                groups=[coordinator_group] if account.kind == "coordinator" else [],
                first_name=account.first_name,
                last_name=account.last_name,
                is_active=True,
                is_staff=account.kind in ("coordinator", "admin"),
                is_superuser=account.kind == "admin",
            )
            coordinator = user if account.kind == "coordinator" else coordinator
            org = self.orgs.get(account.organization)
            affiliation = self.load_affiliation(account, user, org, coordinator) if org else None
            self.report.accounts.append(
                DemoAccount(
                    email=account.email,
                    role=ROLE_LABELS[account.kind],
                    organization=org.display_name if org else "",
                    status=str(affiliation.get_status_display()) if affiliation else "",
                )
            )

    def load_affiliation(self, account: Account, user, org, coordinator) -> Affiliation:
        verifiers = {
            Affiliation.VerifiedVia.INVITATION: coordinator,
            Affiliation.VerifiedVia.REFERENT_APPROVAL: self.referents.get(account.organization),
        }
        if account.kind == "referent":
            self.referents.setdefault(account.organization, user)
        return self.ensure(
            partner_actions.affiliation_ensure,
            user=user,
            organization=org,
            role="referent" if account.kind == "referent" else "employee",
            status=account.status,
            verified_via=account.verified_via or "",
            verified_by=verifiers.get(account.verified_via),
            verified_at=self.now,
            request_message=account.request_message,
        )

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
            values |= seasons.get(values.pop("season", None), {})
            text, eligible = values.pop("text"), values.pop("eligible", [])
            published = values["status"] != "draft"
            self.services[data["slug"]] = self.ensure(
                service_actions.service_ensure,
                **values
                | {
                    "provider": self.orgs[data["provider"]],
                    "title": data["title"].format(last_year=year - 1),
                    "description": f"{SERVICE_MARKER}\n\n{text}",
                    "category": self.categories[data["category"]],
                    "audiences": [self.audiences[code] for code in data["audiences"]],
                    "eligible_organizations": self.org_list(eligible),
                    "published_at": (
                        first_publication + dt.timedelta(days=3 * index) if published else None
                    ),
                    "last_verified_on": quarter_start - dt.timedelta(days=2 * index + 1),
                    "created_by": self.referents.get(data["provider"]),
                },
            )

    def load_working_group(self) -> None:
        for data in WORKING_GROUP["groups"]:
            self.groups[data["slug"]] = self.ensure(
                meeting_actions.working_group_ensure,
                **data
                | {
                    "parent": self.optional(self.groups, data.get("parent")),
                    "coordinator": self.orgs[data["coordinator"]],
                    "members": self.org_list(data["members"]),
                },
            )
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
        # A made-up but stable pattern of who came (held) or said they will come (ahead).
        S = Attendance.Status
        statuses = [
            (S.ATTENDED if (i + quarter + year) % 5 else S.ABSENT)
            if held
            else (S.INVITED if (i + quarter) % 2 else S.CONFIRMED)
            for i in range(len(members))
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
            create=functools.partial(meeting_actions.meeting_schedule, notify=False),
            update=functools.partial(meeting_actions.meeting_update, notify=False),
            name="meeting",
        )
        for position, title in enumerate(agenda, start=1):
            self.ensure(
                meeting_actions.agenda_item_ensure,
                meeting=meeting,
                position=position,
                title=title,
                notes="",
            )
        for org, status in zip(members, statuses, strict=True):
            self.ensure(
                meeting_actions.attendance_ensure,
                meeting=meeting,
                organization=org,
                status=status,
                representative="",
            )

    def load_programmes(self) -> None:
        settings = WORKING_GROUP["programmes"]
        for which, year in (("previous", self.year - 1), ("current", self.year)):
            first_meeting, _end = meeting_times(year, 1)
            programme = self.ensure(
                meeting_actions.work_programme_ensure,
                year=year,
                title=settings["title"].format(year=year),
                title_en=settings["title_en"].format(year=year),
                summary=settings["summary"].format(note=EXAMPLE_NOTE, year=year),
                approved_on=first_meeting.date() if first_meeting <= self.now else None,
            )
            actions = [data for data in settings["actions"] if which in data["status"]]
            for position, data in enumerate(actions, start=1):
                self.ensure(
                    meeting_actions.programme_action_ensure,
                    programme=programme,
                    title=data["title"],
                    area=data["area"],
                    description=f"{data['description']} {settings['action_note']}",
                    lead_organization=self.orgs[data["lead"]],
                    subgroup=self.optional(self.groups, data.get("subgroup")),
                    status=data["status"][which],
                    position=position,
                    partners=self.org_list(data["partners"]),
                    services=[self.services[slug] for slug in data.get("services", [])],
                )


def load_demo(*, now: dt.datetime | None = None) -> DemoReport:
    """Load (or bring back) the demo district; safe to run any number of times."""
    with transaction.atomic():
        return _Loader(now or timezone.now()).load()
