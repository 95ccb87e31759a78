"""Family Audit certificates that are about to expire: the referents are told by e-mail
90 and 30 days before and on the day (run daily by the periodic job in partners/jobs.py)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from partners.actions._common import _absolute_url, _send_mail
from partners.models import Affiliation, Certification, CertificationReminder, Organization

__all__ = ["certification_send_expiry_reminders", "expiry_reminder_stage"]

# The "on the day" reminder is still sent this many days late (the job did not run, the
# machine was down), but not about certificates that expired long before.
EXPIRY_DAY_LATENESS = 7
_Stage = CertificationReminder.Stage


def expiry_reminder_stage(expires_on: datetime.date, today: datetime.date) -> int | None:
    """The reminder due for a certificate expiring on ``expires_on``, seen on ``today``.

    The most urgent one only: a certificate first seen 20 days before its expiry gets the
    30-day reminder, not the 90-day one as well.
    """
    days_left = (expires_on - today).days
    if days_left <= 0:
        return _Stage.EXPIRY_DAY if days_left >= -EXPIRY_DAY_LATENESS else None
    if days_left <= 30:
        return _Stage.DAYS_30
    if days_left <= 90:
        return _Stage.DAYS_90
    return None


def certification_send_expiry_reminders(*, today: datetime.date | None = None) -> int:
    """Mail the referents of active members whose open certificate expires soon or today.

    Idempotent: each (certificate, stage, expiry date) is told once, recorded in
    CertificationReminder in the same transaction as the mail enters the outbox. A member
    without a referent is told as soon as it has one. Returns how many reminders went out.
    """
    today = today or timezone.localdate()
    candidates = (
        Certification.objects.open()
        .filter(
            organization__membership_status=Organization.MembershipStatus.ACTIVE,
            expires_on__gte=today - datetime.timedelta(days=EXPIRY_DAY_LATENESS),
            expires_on__lte=today + datetime.timedelta(days=90),
        )
        .select_related("organization")
        .order_by("expires_on", "pk")
    )
    sent = 0
    for certification in candidates:
        stage = expiry_reminder_stage(certification.expires_on, today)
        if stage is None:
            continue
        if CertificationReminder.objects.filter(
            certification=certification, stage=stage, expires_on=certification.expires_on
        ).exists():
            continue
        recipients = list(
            Affiliation.objects.referents()
            .filter(organization=certification.organization, user__is_active=True)
            .values_list("user__email", flat=True)
        )
        if not recipients:
            continue
        try:
            with transaction.atomic():
                CertificationReminder.objects.create(
                    certification=certification,
                    stage=stage,
                    expires_on=certification.expires_on,
                    recipients=len(recipients),
                )
                _send_mail(
                    "certification_expiry",
                    recipients,
                    {
                        "certification": certification,
                        "organization": certification.organization,
                        "stage": stage,
                        "days_left": max((certification.expires_on - today).days, 0),
                        "has_expired": certification.expires_on <= today,
                        "profile_url": _absolute_url(
                            "partners:organization-detail", slug=certification.organization.slug
                        ),
                    },
                )
        except IntegrityError:
            continue  # another run sent it in the meantime
        sent += 1
    return sent
