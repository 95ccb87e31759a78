"""The mail outbox and the periodic jobs' bookkeeping."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMailQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(status=OutgoingMail.Status.FAILED)


class OutgoingMail(models.Model):
    """One message to one person, kept until it left (or was given up).

    The task that delivers it gets only the id: the text stays here, out of the task queue,
    and is blanked once sent (it may hold a sign-in or password-reset link).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    to = models.CharField(_("to"), max_length=320)
    from_email = models.CharField(_("from"), max_length=320)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("text"), blank=True)
    content_subtype = models.CharField(max_length=20, default="plain")
    # [[content, mimetype], ...], e.g. allauth's HTML version of a mail.
    alternatives = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    # "host:pid" of the process sending it: a worker restarted on that machine queues again
    # the mail a killed predecessor left half-sent (background.mail.requeue_orphaned_mail).
    sending_by = models.CharField(max_length=300, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # The message's Message-ID header, fixed when the mail is queued: every attempt to send
    # it carries the same one, so a copy sent twice (a worker that died between handing it
    # to the mail server and marking it sent) is recognisable as the same message.
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, editable=False)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outgoingmail_sent_has_date",
            ),
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~models.Q(message_id=""),
                name="outgoingmail_unique_message_id",
            ),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class PeriodicJob(models.Model):
    """When a job of background.periodic's registry last ran, shared by every machine."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self):
        return self.name
