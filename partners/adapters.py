"""Hooks into django-allauth."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from background.mail import queue_mail
from partners import rules


def user_display(user) -> str:
    """People are known by their e-mail address: usernames are internal and never shown."""
    return user.email or user.get_username()


def landing_url(user) -> str | None:
    """Where each role works: the back office, the partner area, the catalogue.

    None for everyone else (no organisation yet, a pending request): their profile says what
    to do next.
    """
    if rules.is_coordinator(user):
        return reverse("admin:index")
    if rules.is_referent(user):
        return reverse("area:dashboard")
    if rules.is_partner_employee(user):
        return reverse("services:service-list")
    return None


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request) -> str:
        """After signing in (unless a `next` was given) each role lands where it works."""
        return landing_url(request.user) or super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mail (confirmations, password resets, notices) leaves through the
        outbox's background task too: the request never waits for the mail server.

        As allauth's own send_mail, except the last step. Enqueued at once rather than on
        commit: allauth sends outside our write actions' transactions. That is still safe
        inside a transaction: the outbox row and, with the database queue
        (django-tasks-db), the task row are written on the same connection, so a rollback
        takes both away and the worker never sees a task whose mail does not exist.
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        queue_mail(self.render_mail(template_prefix, email, ctx), after_commit=False)
