"""Helpers shared by the partners actions."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from common.audit import log_action as _log_change
from common.audit import send_templated_mail as _send_mail

__all__ = ["_absolute_url", "_log_change", "_send_mail"]


def _absolute_url(name: str, **kwargs) -> str:
    # Links in mail use the site's language, not whichever language the request that
    # triggered the mail happened to be in (an English admin page must not send /en/ links).
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse(name, kwargs=kwargs or None)
