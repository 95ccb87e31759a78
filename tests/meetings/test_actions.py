"""Scheduling and changing meetings goes through meetings.actions: validated and audited."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import actions
from meetings.models import Meeting
from tests import factories


def test_scheduling_a_meeting_saves_it_as_scheduled_and_records_who_did_it(coordinator):
    group = factories.make_group()
    starts_at = timezone.now() + timedelta(days=10)
    meeting = actions.meeting_schedule(
        group=group,
        actor=coordinator,
        title="Gruppo di lavoro",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        place="Sala Falconetto",
    )
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.group == group
    assert meeting.status == Meeting.Status.SCHEDULED
    entry = LogEntry.objects.get(object_id=str(meeting.pk))
    assert (entry.user, entry.action_flag) == (coordinator, ADDITION)


def test_a_meeting_that_ends_before_it_starts_is_refused(coordinator):
    starts_at = timezone.now() + timedelta(days=10)
    with pytest.raises(ValidationError) as error:
        actions.meeting_schedule(
            group=factories.make_group(),
            actor=coordinator,
            title="Gruppo di lavoro",
            starts_at=starts_at,
            ends_at=starts_at - timedelta(hours=1),
        )
    assert "ends_at" in error.value.message_dict
    assert not Meeting.objects.exists()


def test_cancelling_marks_the_meeting_and_only_once(coordinator):
    meeting = factories.make_meeting()
    actions.meeting_cancel(meeting=meeting, actor=coordinator)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    with pytest.raises(ValidationError):
        actions.meeting_cancel(meeting=meeting, actor=coordinator)


def test_updating_a_meeting_validates_the_new_times(coordinator):
    meeting = factories.make_meeting()
    with pytest.raises(ValidationError):
        actions.meeting_update(
            meeting=meeting, actor=coordinator, ends_at=meeting.starts_at - timedelta(minutes=5)
        )
    meeting.refresh_from_db()
    assert meeting.ends_at > meeting.starts_at
