"""Writes on working-group meetings: each one atomic and recorded in the admin log."""

from django.contrib.admin.models import ADDITION
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import log_action
from common.records import Ensured, ensure, log_ensured
from common.uploads import delete_replaced_file, stored_file_name
from meetings.models import Action, AgendaItem, Attendance, Meeting, WorkingGroup, WorkProgramme
from partners.models import Organization

#: The answers a referent may give for their organisation.
RSVP_STATUSES = (Attendance.Status.CONFIRMED, Attendance.Status.DECLINED)
REPRESENTATIVE_MAX_LENGTH = Attendance._meta.get_field("representative").max_length


@transaction.atomic
def meeting_schedule(*, group: WorkingGroup, actor: AbstractBaseUser | None, **fields) -> Meeting:
    """Put a meeting of a working group in the calendar; ``fields`` are the Meeting's fields.

    The group's members see it (and may answer) at once. Raises ValidationError, with
    nothing saved, when the meeting does not make sense (e.g. it ends before it starts).
    """
    fields.setdefault("status", Meeting.Status.SCHEDULED)
    meeting = Meeting(group=group, **fields)
    meeting.full_clean()
    meeting.save()
    log_action(actor, meeting, _("Meeting scheduled."), flag=ADDITION)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor: AbstractBaseUser | None, **fields) -> Meeting:
    """Change a meeting's details (time, place, minutes...); cancel it with meeting_cancel.

    A replaced or removed minutes file leaves the storage once the change is committed.
    """
    old_minutes = stored_file_name(meeting, "minutes_file")
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    meeting.save()
    delete_replaced_file(meeting, "minutes_file", old_minutes)
    log_action(actor, meeting, _("Meeting changed."))
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: AbstractBaseUser | None) -> Meeting:
    """Call a scheduled meeting off; it stays in the calendar, marked as cancelled."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled meeting can be cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status"])
    log_action(actor, meeting, _("Meeting cancelled."))
    return meeting


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
