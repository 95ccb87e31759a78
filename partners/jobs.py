"""The partners app's periodic jobs (see background.periodic): run daily, idempotent."""

from datetime import timedelta

from background.periodic import periodic_job
from partners import actions


@periodic_job(every=timedelta(days=1))
def warn_expiring_certifications():
    """Mail referents 90 and 30 days before their Family Audit certificate expires, and on
    the day; each reminder once."""
    actions.certification_send_expiry_reminders()
