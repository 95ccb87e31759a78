"""The partners app's periodic jobs (see background.periodic): run daily, idempotent."""

from datetime import timedelta

from background.periodic import periodic_job
from partners import actions


@periodic_job(every=timedelta(days=1))
def warn_expiring_certifications():
    """Mail referents 90 and 30 days before their Family Audit certificate expires, and on
    the day; each reminder once."""
    actions.certification_send_expiry_reminders()


@periodic_job(every=timedelta(days=1))
def reconfirm_affiliations():
    """Ask each year's confirmations of employees that are due (the person by mail, or the
    referents), and lapse those not confirmed within the grace period."""
    actions.affiliations_run_yearly_reconfirmation()
