"""Membership that stays true: once a year each employee's affiliation is confirmed again.

An affiliation verified by a work address is confirmed by its owner, through a link mailed
to that address (still reading that mailbox is the proof). An affiliation approved by a
referent (or added by the coordinator) is re-approved by a referent in the partner area.
Unconfirmed after the grace period, the affiliation lapses: the person is told, and the
organisation's referents see who lapsed. Run daily by the periodic job in partners/jobs.py.
"""

import secrets
from collections import defaultdict

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.actions._common import _absolute_url, _log_change, _send_mail
from partners.models import (
    RECONFIRM_GRACE,
    Affiliation,
    EmailDomain,
    hash_invitation_token,
)
from partners.rules import may_manage_people

__all__ = [
    "affiliation_for_reconfirmation_token",
    "affiliation_reconfirm",
    "affiliation_reapprove",
    "affiliations_run_yearly_reconfirmation",
]

_Via = Affiliation.VerifiedVia


def _work_address(affiliation: Affiliation) -> str:
    """The person's verified address on one of the organisation's domains (else their
    primary address: the domain may have been removed from the organisation since)."""
    domains = set(
        EmailDomain.objects.filter(organization=affiliation.organization_id).values_list(
            "domain", flat=True
        )
    )
    for email in EmailAddress.objects.filter(user=affiliation.user_id, verified=True).values_list(
        "email", flat=True
    ):
        if email.rpartition("@")[2].lower() in domains:
            return email
    return affiliation.user.email


def affiliation_for_reconfirmation_token(raw_token: str) -> Affiliation | None:
    """The affiliation waiting for the confirmation whose link carries this token."""
    if not raw_token:
        return None
    return (
        Affiliation.objects.awaiting_reconfirmation()
        .select_related("user", "organization")
        .filter(reconfirm_token_hash=hash_invitation_token(raw_token))
        .first()
    )


def _confirmed(affiliation: Affiliation, now) -> None:
    affiliation.confirmed_at = now
    affiliation.reconfirm_requested_at = None
    affiliation.reconfirm_token_hash = ""
    affiliation.save(
        update_fields=["confirmed_at", "reconfirm_requested_at", "reconfirm_token_hash"]
    )


@transaction.atomic
def affiliation_reconfirm(*, affiliation: Affiliation) -> Affiliation:
    """The person opened the link mailed to their work address and confirmed."""
    affiliation = (
        Affiliation.objects.select_for_update()
        .select_related("organization", "user")
        .get(pk=affiliation.pk)
    )
    if (
        affiliation.status != Affiliation.Status.ACTIVE
        or affiliation.reconfirm_requested_at is None
    ):
        raise ValidationError(_("There is nothing to confirm: this link has already been used."))
    _confirmed(affiliation, timezone.now())
    _log_change(affiliation.user, affiliation, _("Confirmed again through the work address."))
    return affiliation


@transaction.atomic
def affiliation_reapprove(*, affiliation: Affiliation, actor: AbstractBaseUser) -> Affiliation:
    """A referent (or the coordinator) confirms that the person still works there."""
    affiliation = (
        Affiliation.objects.select_for_update()
        .select_related("organization", "user")
        .get(pk=affiliation.pk)
    )
    if not may_manage_people(actor, affiliation.organization):
        raise PermissionDenied(_("Only the organisation's referents can confirm its people."))
    if (
        affiliation.status != Affiliation.Status.ACTIVE
        or affiliation.reconfirm_requested_at is None
    ):
        raise ValidationError(
            _("%(person)s does not need to be confirmed now.") % {"person": affiliation.user.email}
        )
    _confirmed(affiliation, timezone.now())
    _log_change(actor, affiliation, _("Confirmed again by a referent."))
    return affiliation


def _ask_the_person(affiliation: Affiliation, now) -> None:
    raw_token = secrets.token_urlsafe(32)
    affiliation.reconfirm_requested_at = now
    affiliation.reconfirm_token_hash = hash_invitation_token(raw_token)
    affiliation.save(update_fields=["reconfirm_requested_at", "reconfirm_token_hash"])
    _send_mail(
        "affiliation_reconfirm",
        [_work_address(affiliation)],
        {
            "affiliation": affiliation,
            "organization": affiliation.organization,
            "confirm_url": _absolute_url("account:affiliation-reconfirm", token=raw_token),
            "deadline": now + RECONFIRM_GRACE,
        },
    )


def _ask_the_referents(organization, affiliations: list[Affiliation], now) -> None:
    for affiliation in affiliations:
        affiliation.reconfirm_requested_at = now
        affiliation.reconfirm_token_hash = ""
        affiliation.save(update_fields=["reconfirm_requested_at", "reconfirm_token_hash"])
    referents = (
        Affiliation.objects.referents()
        .filter(organization=organization, user__is_active=True)
        .values_list("user__email", flat=True)
    )
    _send_mail(
        "affiliation_reapproval_requested",
        list(referents),
        {
            "organization": organization,
            "people": [affiliation.user.email for affiliation in affiliations],
            "review_url": _absolute_url("area:member-list"),
            "deadline": now + RECONFIRM_GRACE,
        },
    )


def _lapse(affiliation: Affiliation, now) -> None:
    affiliation.status = Affiliation.Status.LAPSED
    affiliation.ended_at = now
    affiliation.reconfirm_token_hash = ""
    affiliation.save(update_fields=["status", "ended_at", "reconfirm_token_hash"])
    by_person = affiliation.verified_via == _Via.EMAIL_DOMAIN
    _send_mail(
        "affiliation_lapsed",
        [affiliation.user.email],
        {
            "affiliation": affiliation,
            "organization": affiliation.organization,
            "by_person": by_person,
            "request_url": _absolute_url("account:affiliation-request"),
        },
    )


@transaction.atomic
def affiliations_run_yearly_reconfirmation(*, now=None) -> dict[str, int]:
    """Ask for this year's confirmations that are due, and lapse those past the grace period.

    Idempotent: an affiliation is asked once per year (``reconfirm_requested_at`` marks it
    until it is confirmed or lapses) and lapses once. Returns the counts.
    """
    now = now or timezone.now()
    lapsed = 0
    for affiliation in (
        Affiliation.objects.past_grace(now)
        .select_for_update(of=("self",))
        .select_related("user", "organization")
    ):
        _lapse(affiliation, now)
        lapsed += 1
    asked_people = 0
    by_referents = defaultdict(list)
    for affiliation in (
        Affiliation.objects.needing_reconfirmation(now)
        .select_for_update(of=("self",))
        .select_related("user", "organization")
        .order_by("organization", "user__email", "pk")
    ):
        if affiliation.verified_via == _Via.EMAIL_DOMAIN:
            _ask_the_person(affiliation, now)
            asked_people += 1
        else:
            by_referents[affiliation.organization].append(affiliation)
    for organization, affiliations in by_referents.items():
        _ask_the_referents(organization, affiliations, now)
    return {
        "asked_people": asked_people,
        "asked_referents": sum(len(group) for group in by_referents.values()),
        "lapsed": lapsed,
    }
