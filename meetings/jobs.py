"""The meetings' periodic jobs (run by ``manage.py run_periodic_jobs``, see background.periodic)."""

from datetime import timedelta

from background.periodic import periodic_job
from meetings.actions import meeting_send_reminders


@periodic_job(every=timedelta(minutes=30))
def send_meeting_reminders():
    """Reminders one week and one day before each meeting; each one goes out once."""
    meeting_send_reminders()
