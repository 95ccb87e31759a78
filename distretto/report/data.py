"""The district's yearly report (*rendicontazione*): every figure, as plain data.

One function, ``yearly_report(year)``, gathers the figures from the same domain functions
and QuerySet methods the pages use, so that the report and the pages always agree:

- members: ``Organization.objects.active()`` (as the network balance counts them) with
  ``with_current_phase()`` (the partner directory) and the current certification
  (``Certification.objects.current().with_expiry()``, as on a partner's page);
- agreements: ``Agreement.objects.signed_in_year().with_signatory_count()`` (the agreements
  page's count) and ``Signature.objects.signed_in_year()`` / ``withdrawn_in_year()``;
- meetings: ``Meeting.objects.in_year().held()`` and ``yearly_attendance()`` (the
  coordinator's yearly attendance table);
- programme: the year's ``WorkProgramme`` with ``Action.objects.with_owners_and_notes()``
  and ``status_counts()`` (the public programme page);
- services and requests: ``services.balance.network_balance()`` (the network's balance).

Labels (phases, statuses, kinds) are read in the active language: the renderers call this
inside ``translation.override``. The renderers (pdf.py, tables.py) only lay the data out.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement, Signature
from common.translation import in_reader_language
from meetings.models import Action, Meeting, WorkProgramme, yearly_attendance
from partners.models import Certification, Organization
from services import balance

# The certificate's state at the report's date, worst first.
CERTIFICATE_EXPIRED = "expired"
CERTIFICATE_EXPIRING = "expiring"
CERTIFICATE_VALID = "valid"
CERTIFICATE_IN_PROGRESS = "in_progress"
CERTIFICATE_NONE = "none"


def certificate_state_labels() -> dict[str, str]:
    return {
        CERTIFICATE_EXPIRED: _("Expired"),
        CERTIFICATE_EXPIRING: _("Expiring within 90 days"),
        CERTIFICATE_VALID: _("Valid"),
        CERTIFICATE_IN_PROGRESS: _("In progress"),
        CERTIFICATE_NONE: _("No current certification"),
    }


@dataclass
class Member:
    name: str
    kind: str
    joined_on: datetime.date | None
    joined_this_year: bool
    phase: str  # Certification.Phase value, "" without a current certification
    phase_label: str
    certificate_state: str  # one of the CERTIFICATE_* values
    certificate_state_label: str
    expires_on: datetime.date | None


@dataclass
class AgreementOfYear:
    title: str
    kind: str
    signed_on: datetime.date
    signatories: int


@dataclass
class SignatureOfYear:
    agreement: str
    organization: str
    signed_on: datetime.date
    withdrawn_on: datetime.date | None


@dataclass
class HeldMeeting:
    starts_at: datetime.datetime
    title: str
    group: str
    present: int


@dataclass
class OrganizationAttendance:
    organization: str
    present: int
    excused: int
    absent: int
    rate: int  # percent of the meetings held


@dataclass
class ProgressEntry:
    written_on: datetime.date
    organization: str
    status: str
    text: str


@dataclass
class ProgrammeAction:
    area: str
    title: str
    lead: str
    partners: list[str]
    status: str  # Action.Status value
    status_label: str
    notes: list[ProgressEntry]


@dataclass
class PartnerActivity:
    organization: str
    services_offered: int
    received: int
    received_answered: int
    sent: int


@dataclass
class YearlyReport:
    year: int
    as_of: datetime.date
    members: list[Member]
    phase_counts: list[tuple[str, int]]  # (label, members), every phase with members
    certificate_counts: list[tuple[str, int]]
    agreements: list[AgreementOfYear]
    signatures: list[SignatureOfYear]
    withdrawals: list[SignatureOfYear]
    meetings_held: int
    meetings: list[HeldMeeting]
    attendance: list[OrganizationAttendance]
    programme_title: str
    actions: list[ProgrammeAction]
    action_status_counts: list[tuple[str, int]]  # (label, actions), every status
    partners: list[PartnerActivity]
    total_requests: int
    total_answered: int
    services_offered: int
    members_joined: int

    @property
    def member_count(self) -> int:
        return len(self.members)


def _certificate_state(certification) -> str:
    """The state of a current certification annotated by ``with_expiry`` (or of none)."""
    if certification is None:
        return CERTIFICATE_NONE
    if certification.status == Certification.Status.IN_PROGRESS:
        return CERTIFICATE_IN_PROGRESS
    if certification.has_expired:
        return CERTIFICATE_EXPIRED
    if certification.expires_soon:
        return CERTIFICATE_EXPIRING
    return CERTIFICATE_VALID


def _members(year: int, as_of: datetime.date) -> list[Member]:
    organizations = list(
        Organization.objects.active()
        .with_current_phase()
        .only("name", "kind", "joined_on")
        .order_by("name")
    )
    current = {}
    for certification in (
        Certification.objects.current()
        .with_expiry(as_of)
        .filter(organization__in=[organization.pk for organization in organizations])
    ):
        # current() puts each organisation's current step first.
        current.setdefault(certification.organization_id, certification)
    phases = dict(Certification.Phase.choices)
    states = certificate_state_labels()
    no_certification = states[CERTIFICATE_NONE]
    members = []
    for organization in organizations:
        certification = current.get(organization.pk)
        state = _certificate_state(certification)
        joined_on = organization.joined_on
        members.append(
            Member(
                name=organization.name,
                kind=organization.get_kind_display(),
                joined_on=organization.joined_on,
                joined_this_year=bool(joined_on and joined_on.year == year),
                phase=organization.current_phase or "",
                phase_label=str(phases.get(organization.current_phase, no_certification)),
                certificate_state=state,
                certificate_state_label=states[state],
                expires_on=certification.expires_on if certification else None,
            )
        )
    return members


def _counted(members: list[Member], key: str, labels: dict[str, str]) -> list[tuple[str, int]]:
    counts = [
        (str(label), sum(1 for member in members if getattr(member, key) == code))
        for code, label in labels.items()
    ]
    return [(label, count) for label, count in counts if count]


def _agreements(year: int):
    agreements = [
        AgreementOfYear(
            title=agreement.title,
            kind=agreement.get_kind_display(),
            signed_on=agreement.signed_on,
            signatories=agreement.signatory_count,
        )
        for agreement in Agreement.objects.signed_in_year(year)
        .with_signatory_count()
        .order_by("signed_on", "pk")
    ]

    def rows(signatures):
        return [
            SignatureOfYear(
                agreement=signature.agreement.title,
                organization=signature.organization.name,
                signed_on=signature.signed_on,
                withdrawn_on=signature.withdrawn_on,
            )
            for signature in signatures.select_related("agreement", "organization").order_by(
                "signed_on", "agreement__title", "organization__name"
            )
        ]

    return (
        agreements,
        rows(Signature.objects.signed_in_year(year)),
        rows(Signature.objects.withdrawn_in_year(year)),
    )


def _meetings(year: int):
    held, rows = yearly_attendance(year)
    attendance = [
        OrganizationAttendance(
            organization=row["organization__name"],
            present=row["present"],
            excused=row["excused"],
            absent=row["absent"],
            rate=row["rate"],
        )
        for row in rows
    ]
    meetings = [
        HeldMeeting(
            starts_at=timezone.localtime(meeting.starts_at),
            title=meeting.title,
            group=str(meeting.group),
            present=meeting.present,
        )
        for meeting in Meeting.objects.in_year(year)
        .held()
        .with_attendance_counts()
        .select_related("group")
        .order_by("starts_at", "pk")
    ]
    return held, meetings, attendance


def _programme(year: int):
    programme = WorkProgramme.objects.filter(year=year).first()
    if programme is None:
        return "", [], [(str(label), 0) for _code, label in Action.Status.choices]
    actions_qs = programme.actions.all()
    statuses = dict(Action.Status.choices)
    counts = actions_qs.status_counts()
    actions = [
        ProgrammeAction(
            area=action.get_area_display(),
            title=action.title,
            lead=action.lead_organization.name,
            partners=[partner.name for partner in action.partners.all()],
            status=action.status,
            status_label=action.get_status_display(),
            notes=[
                ProgressEntry(
                    written_on=note.written_on,
                    organization=note.organization.name if note.organization else "",
                    status=str(statuses.get(note.status, "")),
                    text=note.text,
                )
                for note in action.notes
            ],
        )
        for action in actions_qs.with_owners_and_notes()
    ]
    return (
        in_reader_language(programme, "title"),
        actions,
        [(str(statuses[code]), total) for code, total in counts.items()],
    )


def _partners(year: int):
    network = balance.network_balance(balance.Period.year(year))
    partners = [
        PartnerActivity(
            organization=figures.organization.name,
            services_offered=figures.services_offered,
            received=figures.received,
            received_answered=figures.received_answered,
            sent=figures.sent,
        )
        for figures in network.partners
    ]
    return partners


def report_date(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day the certificates' state is read on: the year's last day, or today while the
    year is still running."""
    today = today or timezone.localdate()
    return min(today, datetime.date(year, 12, 31))


def yearly_report(year: int, today: datetime.date | None = None) -> YearlyReport:
    as_of = report_date(year, today)
    members = _members(year, as_of)
    agreements, signatures, withdrawals = _agreements(year)
    held, meetings, attendance = _meetings(year)
    programme_title, actions, status_counts = _programme(year)
    partners = _partners(year)
    return YearlyReport(
        year=year,
        as_of=as_of,
        members=members,
        phase_counts=_counted(
            members,
            "phase",
            {**dict(Certification.Phase.choices), "": _("No current certification")},
        ),
        certificate_counts=_counted(members, "certificate_state", certificate_state_labels()),
        agreements=agreements,
        signatures=signatures,
        withdrawals=withdrawals,
        meetings_held=held,
        meetings=meetings,
        attendance=attendance,
        programme_title=programme_title,
        actions=actions,
        action_status_counts=status_counts,
        partners=partners,
        total_requests=sum(partner.received for partner in partners),
        total_answered=sum(partner.received_answered for partner in partners),
        services_offered=sum(partner.services_offered for partner in partners),
        members_joined=sum(1 for member in members if member.joined_this_year),
    )
