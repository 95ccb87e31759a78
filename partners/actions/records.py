"""Idempotent upserts of the hub's records: e-mail domains, certifications, accounts and
affiliations as a data file describes them (the demo district, imports).

Each `*_ensure` creates the row or brings it to the given values, writes nothing when it
matches already, validates with the model's own rules and returns what it did
(`common.records.Ensured`). They set state directly: the workflows that send mail and check
who may act (requests, approvals, invitations) are in `people.py`.
"""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

from common.records import Ensured, ensure, log_ensured
from partners.models import Affiliation, Certification, EmailDomain, Organization

__all__ = [
    "email_domain_ensure",
    "certification_ensure",
    "account_ensure",
    "affiliation_ensure",
]


@transaction.atomic
def email_domain_ensure(
    *, domain: str, organization: Organization, actor: AbstractBaseUser | None
) -> Ensured[EmailDomain]:
    """Register `domain` as a verification domain of `organization` (moving it if needed)."""
    result = ensure(EmailDomain, {"domain": domain}, {"organization": organization})
    log_ensured(actor, result)
    return result


@transaction.atomic
def certification_ensure(
    *, organization: Organization, phase: str, actor: AbstractBaseUser | None, **fields
) -> Ensured[Certification]:
    """The organisation's step `phase` of the Family Audit path, with the given fields."""
    result = ensure(Certification, {"organization": organization, "phase": phase}, fields)
    log_ensured(actor, result)
    return result


@transaction.atomic
def account_ensure(
    *,
    email: str,
    password: str,
    groups: list[Group],
    actor: AbstractBaseUser | None,
    **fields,
) -> Ensured:
    """A person's account with `email` as username and verified primary address.

    `password` (a hash, as the model stores it) is only set when the account is created: a
    password the person changed afterwards is kept. `groups` are the account's groups, set
    exactly; `fields` are other fields of the user model (names, is_staff...).
    """
    User = get_user_model()
    result = ensure(
        User,
        {"email__iexact": email},
        {**fields, "groups": groups},
        on_create={"username": email, "email": email, "password": password},
    )
    address = ensure(
        EmailAddress,
        {"email__iexact": email},
        {"user": result.obj, "verified": True, "primary": True},
        on_create={"email": email},
    )
    log_ensured(actor, result)
    if address.updated and not result.created:
        result = Ensured(result.obj, result.created, (*result.changed, "emailaddress"))
    return result


@transaction.atomic
def affiliation_ensure(
    *,
    user: AbstractBaseUser,
    organization: Organization,
    verified_at: datetime.datetime | None,
    actor: AbstractBaseUser | None,
    **fields,
) -> Ensured[Affiliation]:
    """The person's open (pending or active) affiliation with the organisation.

    `fields` are the affiliation's role, status and verification fields. `verified_at` is
    when it was verified: written when the affiliation becomes active without one, never
    moved afterwards (it is history, not a setting).
    """
    lookup = {"user": user, "organization": organization}
    existing = Affiliation.objects.open().filter(**lookup).first()
    active = fields.get("status") == Affiliation.Status.ACTIVE
    values = dict(fields)
    if existing is not None and active and existing.verified_at is None:
        values["verified_at"] = verified_at
    result = ensure(
        Affiliation,
        lookup,
        values,
        on_create={"verified_at": verified_at if active else None},
        among=Affiliation.objects.open(),
    )
    log_ensured(actor, result)
    return result
