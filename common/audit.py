"""What every write action shares: an entry in the admin history, and the mail it sends.

The history outlives the people in it: a deleted account's entries pass to a placeholder.
"""

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db.models import Value
from django.db.models.functions import Left, Replace
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy

from background.mail import queue_mail


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


# The stand-in for deleted accounts in the admin log. The space makes it a username that
# sign-up and the admin's user form never produce (they allow no spaces).
DELETED_ACCOUNT_NAME = "Account eliminato"


def deleted_account() -> AbstractBaseUser:
    """The inactive placeholder account, made on first use, that stands in the admin log
    for every person whose account was deleted; it has no usable password and no e-mail."""
    user_model = get_user_model()
    placeholder, _created = user_model._default_manager.get_or_create(
        **{user_model.USERNAME_FIELD: DELETED_ACCOUNT_NAME},
        defaults={"is_active": False, "is_staff": False, "password": make_password(None)},
    )
    return placeholder


def keep_log_entries_of(user: AbstractBaseUser, *, identifiers: Iterable[str] = ()) -> int:
    """Who changed what survives an account's deletion: the person's admin-log entries are
    handed to the placeholder account, and their identifiers (e-mail addresses) are blanked
    out of the log's texts. Returns how many entries the person had made."""
    placeholder = deleted_account()
    if placeholder.pk == user.pk:
        return 0
    kept = LogEntry.objects.filter(user_id=user.pk).update(user=placeholder)
    max_repr = LogEntry._meta.get_field("object_repr").max_length
    for identifier in {identifier for identifier in identifiers if identifier}:
        replaced = Value(identifier), Value(DELETED_ACCOUNT_NAME)
        LogEntry.objects.filter(object_repr__contains=identifier).update(
            object_repr=Left(Replace("object_repr", *replaced), max_repr)
        )
        LogEntry.objects.filter(change_message__contains=identifier).update(
            change_message=Replace("change_message", *replaced)
        )
    return kept


def _site_url(name: str, kwargs: dict | None) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


# The address is worked out when the mail is rendered, so in the mail's language: "/en/..."
# in an English mail, the Italian address in an Italian one.
_lazy_site_url = lazy(_site_url, str)


def site_url(name: str, **kwargs) -> str:
    """The absolute address of URL ``name`` for a mail's context, in the mail's language."""
    return _lazy_site_url(name, kwargs)


def send_templated_mail(
    template: str,
    recipients: Iterable[str],
    context: dict,
    *,
    languages: Mapping[str, str] | None = None,
    attachments: Iterable[tuple[str, str, str]] = (),
) -> None:
    """Send ``templates/email/<template>_subject.txt`` / ``_message.txt``, one mail per person.

    Each mail is rendered now in its recipient's language (``languages``: address, lowercase,
    to language code; the site's language for addresses it does not name), links included
    (``site_url`` and ``{% url %}`` follow the language), and kept in the outbox with the
    change; sent by a background task once the transaction commits (a rolled-back change
    tells nobody, a request never waits for the mail server), each recipient on their own so
    nobody sees the others' addresses. A failing mail server is retried, then reported to
    the coordinator (background.mail); it never undoes the change. ``attachments`` are
    small text files, ``(filename, content, mimetype)``, e.g. a meeting's ``.ics``.
    """
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    languages = {address.lower(): code for address, code in (languages or {}).items()}
    by_language: dict[str, list[str]] = {}
    for address in recipients:
        language = languages.get(address.lower()) or settings.LANGUAGE_CODE
        by_language.setdefault(language, []).append(address)
    for language, addresses in sorted(by_language.items()):
        with translation.override(language):
            mail_context = {"SITE_URL": settings.SITE_URL, **context}
            subject = render_to_string(f"email/{template}_subject.txt", mail_context)
            subject = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "") + " ".join(
                subject.split()
            )
            body = render_to_string(f"email/{template}_message.txt", mail_context)
        message = EmailMessage(subject=subject, body=body, to=addresses)
        for filename, content, mimetype in attachments:
            message.attachments.append((filename, content, mimetype))
        queue_mail(message)
