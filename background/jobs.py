"""The background app's own periodic jobs: housekeeping of the queue and the outbox."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.mail import deliver_mail, requeue_orphaned_mail
from background.models import OutgoingMail
from background.periodic import periodic_job

KEEP_FINISHED_TASKS = timedelta(days=30)
KEEP_SENT_MAIL = timedelta(days=30)
KEEP_FAILED_MAIL = timedelta(days=90)
# A mail still "being sent" this long after its worker claimed it: the worker died.
STALLED_SENDING = timedelta(minutes=30)
# A queued mail this long past its due time: its task was lost (never enqueued, or pruned).
STALLED_QUEUED = timedelta(hours=1)


@periodic_job(every=timedelta(days=1))
def purge_old_records():
    """Drop finished task results after 30 days, sent mail after 30, failed after 90."""
    now = timezone.now()
    DBTaskResult.objects.finished().filter(finished_at__lt=now - KEEP_FINISHED_TASKS).delete()
    OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENT, created_at__lt=now - KEEP_SENT_MAIL
    ).delete()
    OutgoingMail.objects.filter(
        status=OutgoingMail.Status.FAILED, created_at__lt=now - KEEP_FAILED_MAIL
    ).delete()


@periodic_job(every=timedelta(minutes=15))
def requeue_stalled_mail():
    """Give stranded mail a new task. Sending is claimed per mail, so a mail leaves twice
    only if a worker died in the middle of handing it to the mail server."""
    requeue_orphaned_mail()  # those of a dead process of this machine: at once
    now = timezone.now()
    sending = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENDING, sending_since__lt=now - STALLED_SENDING
    )
    queued = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED).filter(
        Q(next_attempt_at__lt=now - STALLED_QUEUED)
        | Q(next_attempt_at__isnull=True, created_at__lt=now - STALLED_QUEUED)
    )
    mail_ids = [*sending.values_list("pk", flat=True), *queued.values_list("pk", flat=True)]
    # Due again in an hour at the earliest: while the worker is down, each mail gets one
    # more task per hour, not one per run.
    OutgoingMail.objects.filter(pk__in=mail_ids).update(
        status=OutgoingMail.Status.QUEUED, next_attempt_at=now
    )
    for mail_id in mail_ids:
        deliver_mail.enqueue(mail_id)
