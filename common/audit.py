"""What every write action shares: an entry in the admin history, and the mail it sends."""

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def log_action(actor: AbstractBaseUser | None, obj, message: str, *, flag: int = CHANGE) -> None:
    """Leave an entry in the object's admin history, so the coordinator sees who did what."""
    if actor is None or not actor.pk:
        return
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[obj],
        action_flag=flag,
        change_message=message,
        single_object=True,
    )


def send_templated_mail(template: str, recipients: list[str], context: dict) -> None:
    """Send ``templates/email/<template>_subject.txt`` / ``_message.txt``, one mail per person.

    Mail leaves once the transaction commits (a rolled-back change tells nobody), in the
    site's language (Italian), each recipient on their own so nobody sees the others'
    addresses; a failing mail server is logged and does not undo the change.
    """
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"SITE_URL": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
        subject = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "") + subject
        body = render_to_string(f"email/{template}_message.txt", context)

    def send():
        for address in recipients:
            EmailMessage(subject=subject, body=body, to=[address]).send()

    transaction.on_commit(send, robust=True)
