"""Hooks into django-allauth."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse, translate_url
from django.utils import translation

from background.mail import queue_mail
from partners import rules
from partners.models import Person, supported_language


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

    def save_user(self, request, user, form, commit=True):
        """A new account reads the portal in the language of the page it signed up on."""
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            Person.objects.update_or_create(
                user=user, defaults={"language": supported_language(translation.get_language())}
            )
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mail (confirmations, password resets, notices) leaves through the
        outbox's background task too: the request never waits for the mail server.

        Written in the language the recipient chose, with its links in that language; in
        the page's language for addresses of nobody (e.g. "no account with this address").

        As allauth's own send_mail, except the language and the last step. Enqueued at once
        rather than on commit: allauth sends outside our write actions' transactions. That
        is still safe inside a transaction: the outbox row and, with the database queue
        (django-tasks-db), the task row are written on the same connection, so a rollback
        takes both away and the worker never sees a task whose mail does not exist.
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        language = Person.objects.languages_for([email]).get(
            email.lower(), supported_language(translation.get_language())
        )
        # allauth built its links in the page's language: give them the mail's. translate_url
        # resolves the link in the language it was written in, hence before the override.
        for key, value in ctx.items():
            if key.endswith("_url") and isinstance(value, str):
                ctx[key] = translate_url(value, language)
        with translation.override(language):
            message = self.render_mail(template_prefix, email, ctx)
        queue_mail(message, after_commit=False)
