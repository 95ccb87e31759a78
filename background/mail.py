"""Every mail the portal sends leaves through the outbox and a background task.

``queue_mail`` stores one ``OutgoingMail`` per recipient and enqueues ``deliver_mail`` for
each once the transaction commits, so a request never waits for the mail server and a
rolled-back change tells nobody. ``deliver_mail`` sends through Django's mail API
(``MAILERS``); a failure is tried again after ``MAIL_RETRY_DELAYS`` and, when they are used
up, the mail is marked failed, logged, and counted on the coordinator's dashboard.

Delivery is at least once, not exactly once. A mail is claimed before it is sent, so two
workers never send it at the same time; but a worker that dies after the mail server took
the message and before it marked the mail sent leaves it "being sent", and
``requeue_stalled_mail`` (background/jobs.py) sends it again later. No SMTP client can close
that window: the mail server's "accepted" and our "sent" are two systems. What we promise
instead is that every copy of one mail carries the same ``Message-ID``, fixed when the mail
is queued (``OutgoingMail.message_id``): mail programs and servers that deduplicate by it
show it once, and the stack's fault drill counts distinct Message-IDs at the sink.

A worker killed while sending (kill -9, the machine's OOM killer) leaves its mail "being
sent". When a worker starts on the same machine it queues such mail again at once
(``requeue_orphaned_mail``: the process named in ``sending_by`` is gone); mail left by a
machine that never came back waits for ``requeue_stalled_mail`` (30 minutes).
"""

import logging
import os
import socket
import time
import uuid
from datetime import timedelta
from email.message import MIMEPart
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, transaction
from django.tasks import task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from background.models import OutgoingMail

logger = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = [60, 300, 1800, 7200]  # seconds: 1 and 5 minutes, half an hour, 2 hours
MAX_ERROR_LENGTH = 2000


def retry_delays() -> list[int]:
    return list(getattr(settings, "MAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))


def new_message_id() -> str:
    """A Message-ID of our own domain (SITE_URL's host), unique to one queued mail."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<outbox-{uuid.uuid4().hex}@{domain}>"


def queue_mail(message: EmailMessage, *, after_commit: bool = True) -> list[OutgoingMail]:
    """Keep ``message`` in the outbox, one copy per ``to`` address, and enqueue its delivery.

    Mail and tasks are written in one transaction (the caller's, if any). With
    ``after_commit`` a backend other than the database queue is given the tasks when the
    transaction commits (see _enqueue_delivery). allauth's mail passes False: allauth sends
    outside our transactions.
    """
    if message.cc or message.bcc:
        raise ValueError("The outbox sends mail to its 'to' addresses only.")
    with transaction.atomic():
        return _queue(message, after_commit=after_commit)


def _queue(message: EmailMessage, *, after_commit: bool) -> list[OutgoingMail]:
    alternatives = [
        [alternative[0], alternative[1]] for alternative in getattr(message, "alternatives", [])
    ]
    # Small text attachments (a meeting's .ics) travel in the same JSON list, as objects.
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        if not isinstance(content, str) or not mimetype.startswith("text/"):
            raise ValueError("The outbox carries text attachments only.")
        alternatives.append({"filename": filename, "content": content, "mimetype": mimetype})
    mails = [
        OutgoingMail.objects.create(
            to=address,
            from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
            subject=message.subject,
            body=message.body,
            content_subtype=message.content_subtype,
            alternatives=alternatives,
            headers={
                name: value
                for name, value in message.extra_headers.items()
                if name.lower() != "message-id"
            },
            message_id=new_message_id(),
        )
        for address in dict.fromkeys(message.to)
    ]
    ids = [mail.pk for mail in mails]

    _enqueue_delivery(ids, after_commit=after_commit)
    return mails


def _enqueue_delivery(ids: list[int], *, after_commit: bool) -> None:
    """Enqueue the delivery of these mails, never for a change that is rolled back.

    With the database queue (production) the task rows are written at once, in the same
    transaction as the mail: both are kept or both are gone. Enqueued after the commit
    instead, a failure in between (`make drill` restarted PostgreSQL at that moment) left
    mail with no task, waiting an hour for requeue_stalled_mail. Other backends (the
    immediate one runs the task on the spot) wait for the commit.
    """

    def enqueue():
        for mail_id in ids:
            deliver_mail.enqueue(mail_id)

    if after_commit and not isinstance(deliver_mail.get_backend(), DatabaseBackend):
        transaction.on_commit(enqueue, robust=True)
    else:
        enqueue()


def _message(mail: OutgoingMail) -> EmailMessage:
    headers = dict(mail.headers or {})
    if mail.message_id:
        # The same on every attempt: a copy sent twice is the same message.
        headers["Message-ID"] = mail.message_id
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=mail.from_email,
        to=[mail.to],
        headers=headers or None,
    )
    message.content_subtype = mail.content_subtype
    for entry in mail.alternatives:
        if isinstance(entry, dict):
            message.attach(_text_attachment(**entry))
        else:
            content, mimetype = entry
            message.attach_alternative(content, mimetype)
    return message


def _text_attachment(*, filename: str, content: str, mimetype: str) -> MIMEPart:
    """A text attachment keeping the parameters of its type (``text/calendar; method=...``),
    which Django's own ``attach()`` would drop."""
    kind, *parameters = (part.strip() for part in mimetype.split(";"))
    params = {}
    for parameter in parameters:
        name, _sep, value = parameter.partition("=")
        if name.lower() != "charset":
            params[name] = value.strip('"')
    part = MIMEPart()
    part.set_content(
        content,
        subtype=kind.split("/", 1)[1],
        charset="utf-8",
        disposition="attachment",
        filename=filename,
        params=params,
    )
    return part


def this_process() -> str:
    """ "host:pid", what ``sending_by`` records."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(mail_id: int) -> OutgoingMail | None:
    """Take a queued mail for sending; None when it left already or another worker has it.

    A conditional UPDATE: of two tasks for the same mail (a retry and the coordinator's
    "send again", or two workers) only one sends it.
    """
    claimed = OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.QUEUED).update(
        status=OutgoingMail.Status.SENDING, sending_since=timezone.now(), sending_by=this_process()
    )
    return OutgoingMail.objects.get(pk=mail_id) if claimed else None


def _process_is_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # someone else's process: alive
    try:  # a zombie (dead, its parent has not reaped it yet) is gone too
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z"  # noqa: SIM115
    except (OSError, IndexError):
        return False


def requeue_orphaned_mail(*, also_mine: bool = False) -> list[int]:
    """Queue again the mail a dead process of this machine left "being sent"; their ids.

    The process died after claiming the mail: before the mail server took it (most of the
    time) or, rarely, after (then the mail arrives twice, with the same Message-ID).
    `also_mine`: this process's own too, for a worker whose task was cut off (a database
    outage) and which is sending nothing now.
    """
    host = f"{socket.gethostname()}:"
    mine = this_process()
    orphaned = [
        mail_id
        for mail_id, sending_by in OutgoingMail.objects.filter(
            status=OutgoingMail.Status.SENDING, sending_by__startswith=host
        ).values_list("pk", "sending_by")
        if (also_mine and sending_by == mine)
        or (
            sending_by.removeprefix(host).isdigit()
            and _process_is_gone(int(sending_by.removeprefix(host)))
        )
    ]
    requeued = []
    for mail_id in orphaned:
        if OutgoingMail.objects.filter(pk=mail_id, status=OutgoingMail.Status.SENDING).update(
            status=OutgoingMail.Status.QUEUED, next_attempt_at=timezone.now(), sending_by=""
        ):
            deliver_mail.enqueue(mail_id)
            requeued.append(mail_id)
    if requeued:
        logger.warning(
            "Mail %s was left half-sent (its process died, or its task was cut off by a "
            "database outage): queued again (if the mail server had taken it, it arrives "
            "twice, with the same Message-ID)",
            requeued,
        )
    return requeued


@task
def deliver_mail(mail_id: int) -> str:
    """Send one mail of the outbox; on failure enqueue the next attempt or give it up."""
    mail = _claim(mail_id)
    if mail is None:
        return "skipped"
    mail.attempts += 1
    try:
        _message(mail).send()
    except Exception as error:  # any mail backend, any failure: SMTP, DNS, TLS, ...
        mail.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
        delays = retry_delays()
        can_defer = deliver_mail.get_backend().supports_defer
        if can_defer and mail.attempts <= len(delays):
            mail.status = OutgoingMail.Status.QUEUED
            mail.next_attempt_at = timezone.now() + timedelta(seconds=delays[mail.attempts - 1])
            mail.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
            deliver_mail.using(run_after=mail.next_attempt_at).enqueue(mail.pk)
            logger.warning(
                "Mail %s to %s failed (attempt %d), next attempt at %s: %s",
                mail.pk, mail.to, mail.attempts, mail.next_attempt_at, mail.last_error,
            )  # fmt: skip
            return "retry"
        mail.status = OutgoingMail.Status.FAILED
        mail.next_attempt_at = None
        mail.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
        logger.error(
            "Mail %s to %s could not be sent after %d attempts: %s",
            mail.pk, mail.to, mail.attempts, mail.last_error,
        )  # fmt: skip
        return "failed"
    mail.status = OutgoingMail.Status.SENT
    mail.sent_at = timezone.now()
    mail.next_attempt_at = None
    mail.body = ""
    mail.alternatives = []
    _save_sent(mail)
    return "sent"


# Seconds to wait between tries of recording a mail as sent while the database is away.
SAVE_SENT_PAUSES = [0.5, 1, 2, 4, 8, 15, 30]


def _save_sent(mail: OutgoingMail) -> None:
    """Record that the mail left, waiting out a short database outage.

    The mail server has the message now: if this record were lost, the mail would be
    queued again and arrive twice (`make drill` saw it on a PostgreSQL restart). So the
    worker, which has nothing better to do while the database is away, keeps trying for
    about a minute before giving up (then the mail may arrive twice, same Message-ID).
    """
    # Inside a transaction (the immediate backend in a test) nothing can reconnect.
    pauses = [] if _in_transaction() else list(SAVE_SENT_PAUSES)
    while True:
        try:
            mail.save()
            return
        except (OperationalError, InterfaceError) as error:
            if not pauses:
                raise
            pause = pauses.pop(0)
            logger.warning(
                "Mail %s was sent but cannot be recorded yet (tried again in %s s): %s",
                mail.pk, pause, error,
            )  # fmt: skip
            _reconnect()
            time.sleep(pause)


def _in_transaction() -> bool:
    return connection.in_atomic_block


def _reconnect() -> None:
    """Drop the broken connection: the next query opens a new one."""
    connection.close()


def send_again(mail: OutgoingMail) -> bool:
    """Queue a failed mail once more (the coordinator's admin action). False if not failed."""
    queued = OutgoingMail.objects.filter(pk=mail.pk, status=OutgoingMail.Status.FAILED).update(
        status=OutgoingMail.Status.QUEUED, attempts=0, next_attempt_at=None
    )
    if queued:
        _enqueue_delivery([mail.pk], after_commit=True)
    return bool(queued)
