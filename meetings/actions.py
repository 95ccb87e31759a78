"""Writes on working-group meetings: each one atomic and recorded in the admin log.

The mail they send (invitations with their .ics, updates, cancellations, reminders, the
minutes) leaves through the outbox once the transaction commits (common.audit).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import log_action
from common.records import Ensured, ensure, log_ensured
from common.uploads import delete_file_on_commit, delete_replaced_file, stored_file_name
from meetings import ical
from meetings.models import (
    RECORDED_ATTENDANCE,
    Action,
    ActionItem,
    AgendaDocument,
    AgendaItem,
    Attendance,
    CalendarSubscription,
    Decision,
    Meeting,
    MeetingNotice,
    ProgressNote,
    WorkingGroup,
    WorkProgramme,
    hash_feed_token,
)
from partners.mail import send_mail_to_people
from partners.models import Affiliation, Organization

#: The fields a calendar shows: changing one sends the invited an update.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "place", "online_url")
#: Reminders: how long before the start each one goes out.
REMINDERS = {
    MeetingNotice.Kind.REMINDER_WEEK: datetime.timedelta(days=7),
    MeetingNotice.Kind.REMINDER_DAY: datetime.timedelta(days=1),
}

#: The answers a referent may give for their organisation.
RSVP_STATUSES = (Attendance.Status.CONFIRMED, Attendance.Status.DECLINED)
REPRESENTATIVE_MAX_LENGTH = Attendance._meta.get_field("representative").max_length


def _referent_emails(organizations) -> dict[int, list[str]]:
    """{organisation id: its current referents' addresses} (active accounts only)."""
    emails = defaultdict(list)
    rows = (
        Affiliation.objects.referents()
        .filter(organization__in=organizations, user__is_active=True)
        .order_by("user__email")
        .values_list("organization_id", "user__email")
    )
    for organization_id, email in rows:
        emails[organization_id].append(email)
    return emails


def _is_ahead(meeting: Meeting) -> bool:
    return meeting.status == Meeting.Status.SCHEDULED and meeting.starts_at > timezone.now()


def _notify(
    meeting: Meeting,
    *,
    kind: str,
    organizations,
    template: str,
    method: str | None = None,
    context: dict | None = None,
) -> int:
    """Mail the referents of ``organizations`` about the meeting and record one notice per
    organisation; with ``method`` each mail carries the meeting's .ics. Returns mails sent."""
    organizations = list(organizations)
    emails = _referent_emails(organizations)
    agenda_items = list(meeting.agenda_items.all())
    sent = 0
    for organization in organizations:
        addresses = emails.get(organization.pk, [])
        base = {
            "meeting": meeting,
            "organization": organization,
            "agenda_items": agenda_items,
            "meeting_url": ical.meeting_url(meeting),
            **(context or {}),
        }
        for address in addresses:
            attachments = ()
            if method:
                attachments = [ical.invitation_attachment(meeting, method=method, attendee=address)]
            send_mail_to_people(template, [address], base, attachments=attachments)
        sent += len(addresses)
        MeetingNotice.objects.create(
            meeting=meeting,
            organization=organization,
            kind=kind,
            sequence=meeting.sequence,
            recipients=len(addresses),
        )
    return sent


@transaction.atomic
def meeting_schedule(
    *, group: WorkingGroup, actor: AbstractBaseUser | None, notify: bool = True, **fields
) -> Meeting:
    """Put a meeting of a working group in the calendar; ``fields`` are the Meeting's fields.

    The group's members see it (and may answer) at once; their referents get an invitation
    with the meeting's .ics (METHOD:REQUEST) when it lies ahead. Raises ValidationError,
    with nothing saved, when the meeting does not make sense (e.g. it ends before it starts).
    """
    fields.setdefault("status", Meeting.Status.SCHEDULED)
    meeting = Meeting(group=group, **fields)
    meeting.full_clean()
    meeting.save()
    log_action(actor, meeting, _("Meeting scheduled."), flag=ADDITION)
    if notify and _is_ahead(meeting):
        _notify(
            meeting,
            kind=MeetingNotice.Kind.INVITATION,
            organizations=meeting.invited_organizations(),
            template="meeting_invitation",
            method=ical.REQUEST,
        )
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, actor: AbstractBaseUser | None, notify: bool = True, **fields
) -> Meeting:
    """Change a meeting's details (time, place, minutes...); cancel it with meeting_cancel.

    A change to what calendars show (title, times, place, online link) of a meeting still
    ahead raises its SEQUENCE and sends the invited an update with the new .ics. A replaced
    or removed minutes file leaves the storage once the change is committed.
    """
    stored = Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    old_minutes = stored_file_name(meeting, "minutes_file")
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    moved = stored is not None and any(
        getattr(stored, name) != getattr(meeting, name) for name in CALENDAR_FIELDS
    )
    if moved and _is_ahead(meeting):
        meeting.sequence = stored.sequence + 1
    meeting.save()
    delete_replaced_file(meeting, "minutes_file", old_minutes)
    log_action(actor, meeting, _("Meeting changed."))
    if notify and moved and _is_ahead(meeting):
        _notify(
            meeting,
            kind=MeetingNotice.Kind.UPDATE,
            organizations=meeting.invited_organizations(),
            template="meeting_updated",
            method=ical.REQUEST,
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: AbstractBaseUser | None) -> Meeting:
    """Call a scheduled meeting off; it stays in the calendar, marked as cancelled.

    When it lay ahead the invited get a cancellation (METHOD:CANCEL, STATUS:CANCELLED)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be cancelled."))
    was_ahead = _is_ahead(meeting)
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence"])
    log_action(actor, meeting, _("Meeting cancelled."))
    if was_ahead:
        _notify(
            meeting,
            kind=MeetingNotice.Kind.CANCELLATION,
            organizations=meeting.invited_organizations(),
            template="meeting_cancelled",
            method=ical.CANCEL,
        )
    return meeting


def reminder_recipients(meeting: Meeting, kind: str):
    """The organisations still to remind: invited, not having declined, not reminded yet."""
    declined = Attendance.objects.filter(meeting=meeting, status=Attendance.Status.DECLINED).values(
        "organization_id"
    )
    reminded = MeetingNotice.objects.filter(meeting=meeting, kind=kind).values("organization_id")
    return (
        meeting.invited_organizations()
        .exclude(pk__in=declined)
        .exclude(pk__in=reminded)
        .order_by("name", "pk")
    )


@transaction.atomic
def meeting_send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind the invited of the meetings starting within a week and within a day.

    Those that have not answered are asked to answer, those coming are reminded; those that
    declined are left alone. Each organisation gets each reminder at most once (recorded as
    MeetingNotice rows, which a unique constraint also guards), so the job may run as often
    as it likes. A meeting scheduled less than a week ahead gets no week reminder: the
    invitation has just gone out. Returns how many mails were queued.
    """
    now = now or timezone.now()
    sent = 0
    week, day = MeetingNotice.Kind.REMINDER_WEEK, MeetingNotice.Kind.REMINDER_DAY
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + REMINDERS[week]
        )
        .select_related("group")
        .select_for_update(of=("self",))
        .order_by("starts_at", "pk")
    )
    for meeting in meetings:
        kind = day if meeting.starts_at <= now + REMINDERS[day] else week
        if kind == week:
            invited = MeetingNotice.objects.filter(
                meeting=meeting, kind=MeetingNotice.Kind.INVITATION
            ).aggregate(first=Min("sent_at"))["first"]
            if invited and invited > meeting.starts_at - REMINDERS[week]:
                continue
        organizations = list(reminder_recipients(meeting, kind))
        if not organizations:
            continue
        answered = set(
            Attendance.objects.filter(
                meeting=meeting, status=Attendance.Status.CONFIRMED
            ).values_list("organization_id", flat=True)
        )
        for organization in organizations:
            sent += _notify(
                meeting,
                kind=kind,
                organizations=[organization],
                template="meeting_reminder",
                context={
                    "coming": organization.pk in answered,
                    "tomorrow": kind == day,
                },
            )
    return sent


@transaction.atomic
def attendance_respond(
    *,
    meeting: Meeting,
    organization: Organization,
    status: str,
    representative: str,
    actor: AbstractBaseUser | None,
) -> Attendance:
    """Confirm or decline the organisation's attendance at a future scheduled meeting.

    Only an invited organisation may answer: one with an attendance row already, or a
    member of the meeting's group (its row is created here). Raises ValidationError, with
    nothing changed, for any other case.
    """
    # Lock the meeting: a coordinator cancelling it at the same time wins or waits.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if status not in RSVP_STATUSES:
        raise ValidationError(_("Choose whether your organisation will attend or not."))
    representative = " ".join((representative or "").split())
    if len(representative) > REPRESENTATIVE_MAX_LENGTH:
        raise ValidationError(
            _("The representative's name can be at most %(max)d characters long.")
            % {"max": REPRESENTATIVE_MAX_LENGTH}
        )
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting has been cancelled."))
    if meeting.status != Meeting.Status.SCHEDULED or meeting.starts_at <= timezone.now():
        raise ValidationError(_("This meeting has already taken place."))
    # After the deadline an organisation may still say it cannot come, not that it will.
    if (
        status == Attendance.Status.CONFIRMED
        and meeting.answer_by
        and timezone.localdate() > meeting.answer_by
    ):
        raise ValidationError(
            _("The deadline for confirming attendance has passed: contact the coordinator.")
        )
    attendance = (
        Attendance.objects.select_for_update()
        .filter(meeting=meeting, organization=organization)
        .first()
    )
    if attendance is None:
        if not meeting.group.members.filter(pk=organization.pk).exists():
            raise ValidationError(_("Your organisation is not invited to this meeting."))
        attendance = Attendance(meeting=meeting, organization=organization)
    attendance.status = status
    attendance.representative = representative
    attendance.save()
    log_action(
        actor,
        meeting,
        _("%(organization)s: %(status)s.")
        % {"organization": organization.name, "status": attendance.get_status_display()},
    )
    return attendance


# --- After the meeting: attendance, minutes, decisions, action items ---------------------------


def _lock_started(meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting has been cancelled."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("This meeting has not taken place yet."))
    return meeting


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, statuses: dict[int, str], actor: AbstractBaseUser | None
) -> Meeting:
    """Record who came: ``statuses`` maps each invited organisation's id to present,
    excused or absent. The meeting is marked as held. Raises ValidationError, with nothing
    changed, for an organisation that was not invited or a status that is not one of those.
    """
    meeting = _lock_started(meeting)
    invited = {org.pk: org for org in meeting.invited_organizations()}
    invited |= {
        attendance.organization_id: attendance.organization
        for attendance in meeting.attendances.select_related("organization")
    }
    for organization_id, status in statuses.items():
        if organization_id not in invited:
            raise ValidationError(_("One of the organisations was not invited to this meeting."))
        if status not in RECORDED_ATTENDANCE:
            raise ValidationError(_("Choose present, excused or absent for each organisation."))
    existing = {a.organization_id: a for a in meeting.attendances.select_for_update()}
    for organization_id, status in statuses.items():
        attendance = existing.get(organization_id) or Attendance(
            meeting=meeting, organization_id=organization_id
        )
        attendance.status = status
        attendance.save()
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    log_action(
        actor,
        meeting,
        _("Attendance recorded: %(present)d present, %(excused)d excused, %(absent)d absent.")
        % {
            "present": sum(s == Attendance.Status.ATTENDED for s in statuses.values()),
            "excused": sum(s == Attendance.Status.EXCUSED for s in statuses.values()),
            "absent": sum(s == Attendance.Status.ABSENT for s in statuses.values()),
        },
    )
    return meeting


@transaction.atomic
def minutes_publish(
    *, meeting: Meeting, minutes: str, actor: AbstractBaseUser | None, minutes_file=None
) -> Meeting:
    """Publish (or correct) the minutes of a meeting that took place.

    The first publication tells the referents of every organisation invited; a correction
    tells nobody. ``minutes_file`` (a PDF, optional) replaces the signed copy.
    """
    meeting = _lock_started(meeting)
    old_file = stored_file_name(meeting, "minutes_file")
    meeting.minutes = minutes
    if minutes_file is not None:
        meeting.minutes_file = minutes_file
    if not meeting.minutes.strip() and not meeting.minutes_file:
        raise ValidationError(_("Write the minutes or upload the signed copy."))
    first = meeting.minutes_published_at is None
    if first:
        meeting.minutes_published_at = timezone.now()
    if meeting.status == Meeting.Status.SCHEDULED:
        meeting.status = Meeting.Status.HELD
    meeting.full_clean()
    meeting.save()
    delete_replaced_file(meeting, "minutes_file", old_file)
    log_action(actor, meeting, _("Minutes published.") if first else _("Minutes corrected."))
    if first:
        _notify(
            meeting,
            kind=MeetingNotice.Kind.MINUTES,
            organizations=meeting.invited_organizations(),
            template="meeting_minutes_published",
            context={
                "decisions": list(meeting.decisions.select_related("action")),
                "action_items": list(meeting.action_items.prefetch_related("owners")),
            },
        )
    return meeting


def _check_action(action: Action | None) -> None:
    if action is not None and not Action.objects.filter(pk=action.pk).exists():
        raise ValidationError(_("The programme action does not exist."))


@transaction.atomic
def decision_add(
    *, meeting: Meeting, text: str, action: Action | None = None, actor: AbstractBaseUser | None
) -> Decision:
    """Record a decision taken at the meeting, optionally about a programme action."""
    _check_action(action)
    decision = Decision(meeting=meeting, text=text.strip(), action=action)
    decision.full_clean()
    decision.save()
    log_action(actor, meeting, _("Decision recorded: %(text)s") % {"text": decision.text[:200]})
    return decision


@transaction.atomic
def decision_remove(*, decision: Decision, actor: AbstractBaseUser | None) -> None:
    meeting = decision.meeting
    log_action(actor, meeting, _("Decision removed: %(text)s") % {"text": decision.text[:200]})
    decision.delete()


@transaction.atomic
def action_item_add(
    *,
    meeting: Meeting,
    what: str,
    owners: Iterable[Organization],
    due_on: datetime.date | None = None,
    action: Action | None = None,
    actor: AbstractBaseUser | None,
) -> ActionItem:
    """Record something to do decided at the meeting: what, which organisations, by when."""
    owners = list(owners)
    if not owners:
        raise ValidationError(_("Choose at least one organisation responsible."))
    _check_action(action)
    item = ActionItem(meeting=meeting, what=what.strip(), due_on=due_on, action=action)
    item.full_clean()
    item.save()
    item.owners.set(owners)
    log_action(actor, meeting, _("Action item recorded: %(what)s") % {"what": item.what})
    return item


@transaction.atomic
def action_item_remove(*, item: ActionItem, actor: AbstractBaseUser | None) -> None:
    log_action(actor, item.meeting, _("Action item removed: %(what)s") % {"what": item.what})
    item.delete()


# --- The agenda -------------------------------------------------------------------------------


def _renumber(meeting: Meeting) -> list[AgendaItem]:
    """Positions 1..n in the current order (old data may have gaps or ties)."""
    items = list(
        AgendaItem.objects.select_for_update().filter(meeting=meeting).order_by("position", "pk")
    )
    for number, item in enumerate(items, start=1):
        if item.position != number:
            item.position = number
            item.save(update_fields=["position"])
    return items


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    notes: str = "",
    action: Action | None = None,
    actor: AbstractBaseUser | None,
) -> AgendaItem:
    """Add an item at the end of the agenda."""
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_action(action)
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"]
    item = AgendaItem(
        meeting=meeting, title=title.strip(), notes=notes, action=action, position=(last or 0) + 1
    )
    item.full_clean()
    item.save()
    log_action(actor, meeting, _("Agenda item added: %(title)s") % {"title": item.title})
    return item


@transaction.atomic
def agenda_item_move(
    *, item: AgendaItem, direction: str, actor: AbstractBaseUser | None
) -> AgendaItem:
    """Move an item one place up or down the agenda (the first cannot go up, nor the last
    down: nothing changes then)."""
    if direction not in {"up", "down"}:
        raise ValidationError(_("Move an item up or down."))
    Meeting.objects.select_for_update().get(pk=item.meeting_id)
    items = _renumber(item.meeting)
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    neighbour = index - 1 if direction == "up" else index + 1
    if not 0 <= neighbour < len(items):
        return items[index]
    moved, other = items[index], items[neighbour]
    moved.position, other.position = other.position, moved.position
    moved.save(update_fields=["position"])
    other.save(update_fields=["position"])
    log_action(
        actor,
        item.meeting,
        _("Agenda item moved %(direction)s: %(title)s")
        % {"direction": _("up") if direction == "up" else _("down"), "title": moved.title},
    )
    return moved


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor: AbstractBaseUser | None) -> None:
    meeting = item.meeting
    for document in item.documents.all():
        delete_file_on_commit(document.file, storage=document.file.storage)
    log_action(actor, meeting, _("Agenda item removed: %(title)s") % {"title": item.title})
    item.delete()
    _renumber(meeting)


@transaction.atomic
def agenda_document_add(
    *, item: AgendaItem, title: str, file, actor: AbstractBaseUser | None
) -> AgendaDocument:
    """Attach a PDF to an agenda item (the form has checked it is a PDF that opens)."""
    document = AgendaDocument(item=item, title=title.strip(), file=file)
    document.full_clean()
    document.save()
    log_action(
        actor,
        item.meeting,
        _("Document added to the agenda: %(title)s") % {"title": document.title},
    )
    return document


@transaction.atomic
def agenda_document_remove(*, document: AgendaDocument, actor: AbstractBaseUser | None) -> None:
    delete_file_on_commit(document.file, storage=document.file.storage)
    log_action(
        actor,
        document.item.meeting,
        _("Document removed from the agenda: %(title)s") % {"title": document.title},
    )
    document.delete()


# --- The personal calendar address ------------------------------------------------------------


@transaction.atomic
def calendar_subscription_renew(*, user, actor: AbstractBaseUser | None) -> str:
    """Give the person a new secret calendar address; the old one stops working at once.

    Returns the raw token, to be shown once: only its hash is stored.
    """
    raw_token = CalendarSubscription.new_token()
    subscription, created = CalendarSubscription.objects.update_or_create(
        user=user,
        defaults={"token_hash": hash_feed_token(raw_token), "last_used_at": None},
    )
    if not created:
        # update_or_create keeps the first creation date: this address is a new one.
        CalendarSubscription.objects.filter(pk=subscription.pk).update(created_at=timezone.now())
    log_action(
        actor,
        user,
        _("Calendar address created.") if created else _("Calendar address replaced."),
        flag=ADDITION if created else CHANGE,
    )
    return raw_token


@transaction.atomic
def calendar_subscription_revoke(*, user, actor: AbstractBaseUser | None) -> bool:
    """Switch the person's calendar address off. False when they had none."""
    deleted, _rows = CalendarSubscription.objects.filter(user=user).delete()
    if deleted:
        log_action(actor, user, _("Calendar address revoked."), flag=DELETION)
    return bool(deleted)


# --- The programme: status and progress of each action -----------------------------------------


@transaction.atomic
def action_progress_add(
    *,
    action: Action,
    text: str,
    status: str = "",
    written_on: datetime.date | None = None,
    organization: Organization | None = None,
    actor: AbstractBaseUser | None,
) -> ProgressNote:
    """A dated note on the action's progress, by one of its owners (or the coordinator);
    with ``status`` the action also moves to that status."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if status and status not in Action.Status.values:
        raise ValidationError(_("Choose one of the statuses offered."))
    note = ProgressNote(
        action=action,
        text=text.strip(),
        status=status,
        written_on=written_on or timezone.localdate(),
        organization=organization,
        author=actor if actor is not None and actor.pk else None,
    )
    note.full_clean()
    note.save()
    if status and status != action.status:
        action.status = status
        action.save(update_fields=["status"])
        log_action(
            actor,
            action,
            _("Status: %(status)s.") % {"status": action.get_status_display()},
        )
    log_action(actor, action, _("Progress note added."))
    return note


# --- Reference data (the demo district, imports): idempotent upserts by natural key ---


@transaction.atomic
def working_group_ensure(
    *, slug: str, actor: AbstractBaseUser | None, **fields
) -> Ensured[WorkingGroup]:
    """The working group `slug` with the given name, parent, coordinator and members."""
    result = ensure(WorkingGroup, {"slug": slug}, fields)
    log_ensured(actor, result)
    return result


@transaction.atomic
def agenda_item_ensure(
    *, meeting: Meeting, position: int, actor: AbstractBaseUser | None, **fields
) -> Ensured[AgendaItem]:
    """Item number `position` of the meeting's agenda, with the given title and notes."""
    result = ensure(AgendaItem, {"meeting": meeting, "position": position}, fields)
    log_ensured(actor, result)
    return result


@transaction.atomic
def attendance_ensure(
    *, meeting: Meeting, organization: Organization, actor: AbstractBaseUser | None, **fields
) -> Ensured[Attendance]:
    """The organisation's attendance row for the meeting, in any status (held meetings too).

    A referent's own answer goes through attendance_respond, which checks the meeting is
    still ahead.
    """
    result = ensure(Attendance, {"meeting": meeting, "organization": organization}, fields)
    log_ensured(actor, result)
    return result


@transaction.atomic
def work_programme_ensure(
    *, year: int, actor: AbstractBaseUser | None, **fields
) -> Ensured[WorkProgramme]:
    """The work programme of `year` with the given title, summary and approval date."""
    result = ensure(WorkProgramme, {"year": year}, fields)
    log_ensured(actor, result)
    return result


@transaction.atomic
def programme_action_ensure(
    *, programme: WorkProgramme, title: str, actor: AbstractBaseUser | None, **fields
) -> Ensured[Action]:
    """The action `title` of the programme, with its area, lead, partners, services..."""
    result = ensure(Action, {"programme": programme, "title": title}, fields)
    log_ensured(actor, result)
    return result
