"""Helpers shared by the partners actions."""

from common.audit import log_action as _log_change
from partners.mail import send_mail_to_people as _send_mail
from partners.mail import site_url as _absolute_url

__all__ = ["_absolute_url", "_log_change", "_send_mail"]
