"""A person's own data: their language, export and deletion."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import (
    Person,
    ReferentInvitation,
    preferred_language,
)

__all__ = [
    "person_language_set",
    "user_export_data",
    "user_delete",
]


def person_language_set(*, user: AbstractBaseUser, language: str, actor: AbstractBaseUser) -> str:
    """Keep the language ``user`` reads the portal's mail in; only they change it."""
    if actor.pk != user.pk:
        raise PermissionDenied(_("Only the person can choose their language."))
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Choose one of the portal's languages."))
    Person.objects.update_or_create(user=user, defaults={"language": language})
    return language


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def user_export_data(*, user: AbstractBaseUser) -> dict:
    """Everything the portal stores about a person, as plain JSON-ready data."""
    affiliations = user.affiliations.select_related("organization").order_by("created_at")
    service_requests = user.service_requests.select_related(
        "service", "service__provider", "requester_organization"
    ).order_by("created_at")
    saved_services = user.saved_services.select_related("service").order_by("saved_at")
    addresses = EmailAddress.objects.filter(user=user).order_by("email")
    invitations = ReferentInvitation.objects.filter(
        email__in=[address.email for address in addresses]
    ).select_related("organization")
    return {
        "exported_at": timezone.now().isoformat(),
        "user": {
            "id": user.pk,
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "groups": sorted(user.groups.values_list("name", flat=True)),
            "language": preferred_language(user),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary} for a in addresses
        ],
        "affiliations": [
            {
                "organization": a.organization.name,
                "organization_slug": a.organization.slug,
                "role": a.role,
                "status": a.status,
                "verified_via": a.verified_via,
                "verified_at": _iso(a.verified_at),
                "request_message": a.request_message,
                "created_at": _iso(a.created_at),
                "ended_at": _iso(a.ended_at),
                "confirmed_at": _iso(a.confirmed_at),
                "confirmation_asked_at": _iso(a.reconfirm_requested_at),
            }
            for a in affiliations
        ],
        "referent_invitations": [
            {
                "organization": i.organization.name,
                "email": i.email,
                "created_at": _iso(i.created_at),
                "expires_at": _iso(i.expires_at),
                "accepted_at": _iso(i.accepted_at),
            }
            for i in invitations
        ],
        "service_requests": [
            {
                "service": r.service.title,
                "service_slug": r.service.slug,
                "provider": r.service.provider.name,
                "requester_organization": (
                    r.requester_organization.name if r.requester_organization else None
                ),
                "kind": r.kind,
                "message": r.message,
                "status": r.status,
                "answer": r.answer,
                "answered_at": _iso(r.answered_at),
                "created_at": _iso(r.created_at),
            }
            for r in service_requests
        ],
        "saved_services": [
            {
                "service": s.service.title,
                "service_slug": s.service.slug,
                "saved_at": _iso(s.saved_at),
            }
            for s in saved_services
        ],
    }


@transaction.atomic
def user_delete(*, user: AbstractBaseUser, actor: AbstractBaseUser) -> None:
    """Delete a person's account and personal data, keeping the organisations' records.

    E-mail addresses, affiliations and saved services go with the account. Requests sent
    to providers and answers given by the person stay, with the person removed
    (the foreign keys are SET_NULL): the provider keeps the history of its service.
    Invitations addressed to the person's addresses are personal data and are deleted.
    """
    if not actor.is_authenticated or actor.pk != user.pk:
        raise PermissionDenied(_("Only the account holder can delete their account."))
    addresses = list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    ReferentInvitation.objects.filter(email__in=addresses).delete()
    user.delete()
