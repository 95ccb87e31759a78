"""Invitations with their .ics, updates, cancellations and the reminders before a meeting."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from background.periodic import registry, run_due_jobs
from meetings import actions
from meetings.models import Attendance, Meeting, MeetingNotice
from partners.models import Affiliation
from tests import factories

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def group(org_a, org_b):
    group = factories.make_group(name="Gruppo di lavoro del Distretto", slug="gruppo")
    group.members.add(org_a, org_b)
    return group


@pytest.fixture
def referents(referent_a, referent_b, org_a):
    second = factories.make_user("franca@alfa.example")
    factories.affiliate(second, org_a, role=Affiliation.Role.REFERENT)
    return [referent_a, referent_b, second]


def _schedule(group, coordinator, capture, *, days=30, **fields):
    starts = timezone.now().astimezone(ROME).replace(
        hour=15, minute=0, second=0, microsecond=0
    ) + datetime.timedelta(days=days)
    values = {
        "title": "Incontro trimestrale",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
        "place": "Sala Falconetto, Palazzo Geremia",
        "online_url": "https://meet.example.org/distretto",
    } | fields
    with capture(execute=True):
        return actions.meeting_schedule(group=group, actor=coordinator, **values)


def _ics(mail):
    [attachment] = [part for part in mail.message().walk() if part.get_filename() == "invito.ics"]
    return attachment, Calendar.from_ical(attachment.get_content())


def test_scheduling_invites_every_referent_of_every_member_with_an_ics_request(
    group, referents, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _schedule(group, coordinator, django_capture_on_commit_callbacks)
    assert sorted(address for mail in mailoutbox for address in mail.to) == sorted(
        user.email for user in referents
    )
    mail = next(m for m in mailoutbox if m.to == ["carla@alfa.example"])
    assert "Incontro trimestrale" in mail.subject
    assert "http://127.0.0.1:8000/incontri/" in mail.body
    part, calendar = _ics(mail)
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert str(calendar["METHOD"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == meeting.ical_uid
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTSTART").tzinfo.key == "Europe/Rome"
    assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    assert "mailto:carla@alfa.example" in str(event["ATTENDEE"])
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert calendar.walk("VTIMEZONE")
    # The referents of each organisation are told once per meeting: the notice records it.
    assert set(
        MeetingNotice.objects.filter(kind=MeetingNotice.Kind.INVITATION).values_list(
            "organization__slug", "recipients"
        )
    ) == {("alfa", 2), ("beta", 1)}


def test_a_change_of_time_sends_an_update_with_a_higher_sequence_and_the_same_uid(
    group, referents, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _schedule(group, coordinator, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.meeting_update(
            meeting=meeting,
            starts_at=meeting.starts_at + datetime.timedelta(hours=1),
            ends_at=meeting.ends_at + datetime.timedelta(hours=1),
            actor=coordinator,
        )
    assert len(mailoutbox) == 3
    _part, calendar = _ics(mailoutbox[0])
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == meeting.ical_uid
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").astimezone(ROME).hour == 16
    assert "changed" in mailoutbox[0].subject.lower() or "modific" in mailoutbox[0].subject.lower()


def test_a_change_calendars_do_not_show_sends_nothing(
    group, referents, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _schedule(group, coordinator, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.meeting_update(meeting=meeting, answer_by=timezone.localdate(), actor=coordinator)
    assert mailoutbox == []
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_cancelling_sends_a_cancel_with_a_cancelled_event(
    group, referents, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _schedule(group, coordinator, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.meeting_cancel(meeting=meeting, actor=coordinator)
    assert len(mailoutbox) == 3
    part, calendar = _ics(mailoutbox[0])
    assert part.get_param("method") == "CANCEL"
    assert str(calendar["METHOD"]) == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == meeting.ical_uid


def test_a_meeting_recorded_in_the_past_invites_nobody(
    group, referents, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    _schedule(group, coordinator, django_capture_on_commit_callbacks, days=-30, status="held")
    assert mailoutbox == []


# --- Reminders ---------------------------------------------------------------------------------


def _reminded(mailoutbox):
    return sorted(address for mail in mailoutbox for address in mail.to)


def test_reminders_go_a_week_and_a_day_before_to_the_silent_and_the_coming_once_each(
    group,
    referents,
    referent_b,
    coordinator,
    org_a,
    org_b,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    meeting = _schedule(group, coordinator, django_capture_on_commit_callbacks, days=20)
    actions.attendance_respond(
        meeting=meeting, organization=org_b, status="confirmed", representative="", actor=None
    )
    mailoutbox.clear()
    week_before = meeting.starts_at - datetime.timedelta(days=6, hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.meeting_send_reminders(now=week_before) == 3
    assert _reminded(mailoutbox) == sorted(user.email for user in referents)
    coming = next(m for m in mailoutbox if m.to == [referent_b.email])
    silent = next(m for m in mailoutbox if m.to == ["carla@alfa.example"])
    assert coming.body != silent.body
    # Run again, and again later the same day: nobody is reminded twice.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.meeting_send_reminders(now=week_before) == 0
        assert actions.meeting_send_reminders(now=week_before + datetime.timedelta(hours=5)) == 0
    assert mailoutbox == []
    # A declines in the meantime: the day-before reminder goes to B only.
    actions.attendance_respond(
        meeting=meeting, organization=org_a, status="declined", representative="", actor=None
    )
    day_before = meeting.starts_at - datetime.timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.meeting_send_reminders(now=day_before) == 1
        assert actions.meeting_send_reminders(now=day_before) == 0
    assert _reminded(mailoutbox) == [referent_b.email]
    assert MeetingNotice.objects.filter(kind__in=MeetingNotice.REMINDERS).count() == 3


def test_no_week_reminder_right_after_a_late_invitation(
    group, referents, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _schedule(group, coordinator, django_capture_on_commit_callbacks, days=4)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.meeting_send_reminders() == 0
    day_before = meeting.starts_at - datetime.timedelta(hours=12)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.meeting_send_reminders(now=day_before) == 3


def test_cancelled_and_past_meetings_get_no_reminder(
    group, referents, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = _schedule(group, coordinator, django_capture_on_commit_callbacks, days=20)
    actions.meeting_cancel(meeting=meeting, actor=coordinator)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            actions.meeting_send_reminders(now=meeting.starts_at - datetime.timedelta(days=1)) == 0
        )
        assert (
            actions.meeting_send_reminders(now=meeting.starts_at + datetime.timedelta(hours=1)) == 0
        )
    assert mailoutbox == []


def test_the_reminders_run_as_a_periodic_job(
    group, referents, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    assert "send_meeting_reminders" in registry
    meeting = _schedule(group, coordinator, django_capture_on_commit_callbacks, days=20)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() + datetime.timedelta(hours=10),
        ends_at=timezone.now() + datetime.timedelta(hours=12),
    )
    mailoutbox.clear()
    job = {"send_meeting_reminders": registry["send_meeting_reminders"]}
    with django_capture_on_commit_callbacks(execute=True):
        assert run_due_jobs(job) == {"send_meeting_reminders": "done"}
    assert len(mailoutbox) == 3
    assert all("domani" in mail.subject or "tomorrow" in mail.subject for mail in mailoutbox)


def test_a_confirmation_after_the_deadline_is_refused_a_refusal_is_not(
    group, coordinator, org_a, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    meeting = _schedule(
        group,
        coordinator,
        django_capture_on_commit_callbacks,
        answer_by=timezone.localdate() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        actions.attendance_respond(
            meeting=meeting, organization=org_a, status="confirmed", representative="", actor=None
        )
    attendance = actions.attendance_respond(
        meeting=meeting, organization=org_a, status="declined", representative="", actor=None
    )
    assert attendance.status == Attendance.Status.DECLINED
