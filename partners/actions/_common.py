"""Helpers shared by the partners actions: the admin log and mail."""

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse


def _log_change(actor: AbstractBaseUser | None, obj, message: str, *, flag: int = CHANGE) -> None:
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


def _send_mail(template: str, recipients: list[str], context: dict) -> None:
    """Send ``templates/email/<template>_subject.txt`` and ``_message.txt`` to the recipients."""
    recipients = [address for address in recipients if address]
    if not recipients:
        return
    context = {"SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
    body = render_to_string(f"email/{template}_message.txt", context)
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    send_mail(f"{prefix}{subject}", body, None, recipients)


def _absolute_url(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)
