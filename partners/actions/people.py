"""People and their affiliations: work e-mail, requests, approval, referents, invitations."""

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import ADDITION
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.actions._common import _absolute_url, _log_change, _send_mail
from partners.mail_domains import is_public_mail_domain
from partners.models import (
    Affiliation,
    EmailDomain,
    Organization,
    Person,
    ReferentInvitation,
    supported_language,
)
from partners.rules import is_coordinator, is_referent_of, may_manage_people

__all__ = [
    "referent_promote",
    "referent_demote",
    "affiliation_from_verified_email",
    "affiliation_end_for_removed_email",
    "affiliation_request",
    "affiliation_approve",
    "affiliation_reject",
    "affiliation_end",
    "referent_invitation_validate",
    "referent_invite",
    "invitation_revoke",
    "invitation_accept",
]


def _check_may_manage_people(organization: Organization, actor: AbstractBaseUser | None) -> None:
    """Only a current referent of the organisation, or the coordinator, changes its roles."""
    if actor is None or not may_manage_people(actor, organization):
        raise PermissionDenied(_("Only the organisation's referents can change its referents."))


@transaction.atomic
def referent_promote(*, affiliation: Affiliation, actor: AbstractBaseUser | None) -> Affiliation:
    """Make a verified employee a referent of the same organisation."""
    affiliation = (
        Affiliation.objects.select_for_update()
        .select_related("organization", "user")
        .get(pk=affiliation.pk)
    )
    _check_may_manage_people(affiliation.organization, actor)
    if affiliation.status != Affiliation.Status.ACTIVE or not affiliation.user.is_active:
        raise ValidationError(
            _("Only a verified employee can become a referent: approve the affiliation first.")
        )
    if affiliation.role == Affiliation.Role.REFERENT:
        raise ValidationError(
            _("%(person)s is already a referent of %(organization)s.")
            % {"person": affiliation.user.email, "organization": affiliation.organization.name}
        )
    affiliation.role = Affiliation.Role.REFERENT
    affiliation.save(update_fields=["role"])
    _log_change(actor, affiliation, _("Promoted to referent."))
    return affiliation


@transaction.atomic
def referent_demote(*, affiliation: Affiliation, actor: AbstractBaseUser | None) -> Affiliation:
    """Make a referent an employee again; an organisation always keeps one referent."""
    affiliation = (
        Affiliation.objects.select_for_update()
        .select_related("organization", "user")
        .get(pk=affiliation.pk)
    )
    _check_may_manage_people(affiliation.organization, actor)
    if affiliation.status != Affiliation.Status.ACTIVE or (
        affiliation.role != Affiliation.Role.REFERENT
    ):
        raise ValidationError(
            _("%(person)s is not a referent of %(organization)s.")
            % {"person": affiliation.user.email, "organization": affiliation.organization.name}
        )
    # Lock every referent of the organisation, so two referents demoting each other at the
    # same moment cannot leave it with none.
    referents = list(
        Affiliation.objects.referents()
        .select_for_update()
        .filter(organization=affiliation.organization)
        .values_list("pk", flat=True)
    )
    if len(referents) <= 1:
        raise ValidationError(
            _(
                "%(person)s is the only referent of %(organization)s: promote someone else "
                "before removing this role."
            )
            % {"person": affiliation.user.email, "organization": affiliation.organization.name}
        )
    affiliation.role = Affiliation.Role.EMPLOYEE
    affiliation.save(update_fields=["role"])
    _log_change(actor, affiliation, _("Referent role removed."))
    return affiliation


INVITATION_VALID_DAYS = 14


def _email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def _open_affiliation(user, organization: Organization) -> Affiliation | None:
    return (
        Affiliation.objects.open()
        .select_for_update()
        .filter(user=user, organization=organization)
        .first()
    )


def _verified_emails(user) -> set[str]:
    return {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


@transaction.atomic
def affiliation_from_verified_email(
    *, email_address: EmailAddress, actor: AbstractBaseUser | None = None
) -> Affiliation | None:
    """A verified work address makes its owner an employee of the domain's organisation.

    Only active members count. A pending request with that organisation is approved by the
    verification; an existing active affiliation (employee or referent) is left as it is.
    Returns the affiliation, or None when the domain belongs to no active organisation.
    An address on a public mail domain (webmail, provider, PEC) never counts, even if such
    a domain was registered for an organisation before the rule existed.
    """
    domain = _email_domain(email_address.email)
    if not email_address.verified or is_public_mail_domain(domain):
        return None
    email_domain = (
        EmailDomain.objects.select_related("organization")
        .filter(
            domain=domain,
            organization__membership_status=Organization.MembershipStatus.ACTIVE,
        )
        .first()
    )
    if email_domain is None:
        return None
    user, organization = email_address.user, email_domain.organization
    actor = actor or user
    now = timezone.now()
    affiliation = _open_affiliation(user, organization)
    if affiliation is None:
        affiliation = Affiliation.objects.create(
            user=user,
            organization=organization,
            role=Affiliation.Role.EMPLOYEE,
            status=Affiliation.Status.ACTIVE,
            verified_via=Affiliation.VerifiedVia.EMAIL_DOMAIN,
            verified_at=now,
        )
        _log_change(
            actor,
            affiliation,
            _("Verified employee through the work address %(email)s.")
            % {"email": email_address.email},
            flag=ADDITION,
        )
    elif affiliation.status == Affiliation.Status.PENDING:
        affiliation.status = Affiliation.Status.ACTIVE
        affiliation.verified_via = Affiliation.VerifiedVia.EMAIL_DOMAIN
        affiliation.verified_at = now
        affiliation.save(update_fields=["status", "verified_via", "verified_at"])
        _log_change(
            actor,
            affiliation,
            _("Request approved by verifying the work address %(email)s.")
            % {"email": email_address.email},
        )
    return affiliation


@transaction.atomic
def affiliation_end_for_removed_email(
    *, user: AbstractBaseUser, email: str, actor: AbstractBaseUser | None = None
) -> int:
    """A person who removes their work address stops being an employee through it.

    Ends the affiliations that were verified by that address's domain, unless another
    verified address of the person still belongs to the same organisation. Affiliations
    approved by a referent or by invitation do not depend on an address and stay.
    """
    domain = _email_domain(email)
    organization_ids = list(
        EmailDomain.objects.filter(domain=domain).values_list("organization_id", flat=True)
    )
    if not organization_ids:
        return 0
    remaining_domains = {
        _email_domain(address) for address in _verified_emails(user) if address != email.lower()
    }
    still_covered = set(
        EmailDomain.objects.filter(
            organization_id__in=organization_ids, domain__in=remaining_domains
        ).values_list("organization_id", flat=True)
    )
    ended = 0
    for affiliation in Affiliation.objects.select_for_update().filter(
        user=user,
        organization_id__in=set(organization_ids) - still_covered,
        status=Affiliation.Status.ACTIVE,
        verified_via=Affiliation.VerifiedVia.EMAIL_DOMAIN,
    ):
        affiliation.status = Affiliation.Status.ENDED
        affiliation.ended_at = timezone.now()
        affiliation.save(update_fields=["status", "ended_at"])
        _log_change(
            actor or user,
            affiliation,
            _("Ended: the work address %(email)s was removed.") % {"email": email},
        )
        ended += 1
    return ended


@transaction.atomic
def affiliation_request(
    *, organization: Organization, actor: AbstractBaseUser, message: str = ""
) -> Affiliation:
    """A person whose address is not on the organisation's domains asks to join it.

    The organisation's referents are told by e-mail and decide in the partner area.
    """
    if not actor.is_authenticated:
        raise PermissionDenied
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not organization.is_active:
        raise ValidationError(
            _("%(name)s is not an active member of the District: it cannot accept requests.")
            % {"name": organization.name}
        )
    existing = _open_affiliation(actor, organization)
    if existing is not None:
        if existing.status == Affiliation.Status.PENDING:
            raise ValidationError(
                _("You have already asked to join %(name)s: the request is awaiting approval.")
                % {"name": organization.name}
            )
        raise ValidationError(_("You already belong to %(name)s.") % {"name": organization.name})
    message = message.strip()
    if len(message) > Affiliation._meta.get_field("request_message").max_length:
        raise ValidationError(_("The message can be at most 1000 characters long."))
    affiliation = Affiliation.objects.create(
        user=actor,
        organization=organization,
        role=Affiliation.Role.EMPLOYEE,
        status=Affiliation.Status.PENDING,
        request_message=message,
    )
    _log_change(actor, affiliation, _("Affiliation requested."), flag=ADDITION)
    referents = (
        get_user_model()
        .objects.filter(
            affiliations__organization=organization,
            affiliations__role=Affiliation.Role.REFERENT,
            affiliations__status=Affiliation.Status.ACTIVE,
            is_active=True,
        )
        .distinct()
    )
    _send_mail(
        "affiliation_requested",
        [referent.email for referent in referents],
        {
            "affiliation": affiliation,
            "organization": organization,
            "requester": actor,
            "review_url": _absolute_url("area:member-list"),
        },
    )
    return affiliation


def _locked_affiliation(affiliation: Affiliation) -> Affiliation:
    return (
        Affiliation.objects.select_for_update()
        .select_related("organization", "user")
        .get(pk=affiliation.pk)
    )


@transaction.atomic
def affiliation_approve(*, affiliation: Affiliation, actor: AbstractBaseUser) -> Affiliation:
    """A referent of the organisation (or the coordinator) accepts a pending request."""
    affiliation = _locked_affiliation(affiliation)
    organization = affiliation.organization
    if not may_manage_people(actor, organization):
        raise PermissionDenied(_("Only the organisation's referents can approve its requests."))
    if affiliation.status != Affiliation.Status.PENDING:
        raise ValidationError(_("This request has already been handled."))
    if not organization.is_active:
        raise ValidationError(
            _("%(name)s is not an active member of the District.") % {"name": organization.name}
        )
    affiliation.status = Affiliation.Status.ACTIVE
    affiliation.verified_via = (
        Affiliation.VerifiedVia.REFERENT_APPROVAL
        if is_referent_of(actor, organization)
        else Affiliation.VerifiedVia.COORDINATOR
    )
    affiliation.verified_at = timezone.now()
    affiliation.verified_by = actor
    affiliation.save(update_fields=["status", "verified_via", "verified_at", "verified_by"])
    _log_change(actor, affiliation, _("Affiliation request approved."))
    _send_mail(
        "affiliation_approved",
        [affiliation.user.email],
        {"affiliation": affiliation, "organization": organization},
    )
    return affiliation


@transaction.atomic
def affiliation_reject(
    *, affiliation: Affiliation, actor: AbstractBaseUser, reason: str = ""
) -> Affiliation:
    """A referent of the organisation (or the coordinator) turns a pending request down."""
    affiliation = _locked_affiliation(affiliation)
    organization = affiliation.organization
    if not may_manage_people(actor, organization):
        raise PermissionDenied(_("Only the organisation's referents can reject its requests."))
    if affiliation.status != Affiliation.Status.PENDING:
        raise ValidationError(_("This request has already been handled."))
    reason = reason.strip()
    if len(reason) > 1000:
        raise ValidationError(_("The reason can be at most 1000 characters long."))
    affiliation.status = Affiliation.Status.REJECTED
    affiliation.verified_by = actor
    affiliation.ended_at = timezone.now()
    affiliation.save(update_fields=["status", "verified_by", "ended_at"])
    _log_change(actor, affiliation, _("Affiliation request rejected."))
    _send_mail(
        "affiliation_rejected",
        [affiliation.user.email],
        {"affiliation": affiliation, "organization": organization, "reason": reason},
    )
    return affiliation


@transaction.atomic
def affiliation_end(
    *, affiliation: Affiliation, actor: AbstractBaseUser, reason: str = ""
) -> Affiliation:
    """End an active affiliation or withdraw a pending request.

    The person themselves, a referent of the organisation or the coordinator may do it;
    the person is told by e-mail when somebody else did.
    """
    affiliation = _locked_affiliation(affiliation)
    is_own = actor.is_authenticated and actor.pk == affiliation.user_id
    if not is_own and not may_manage_people(actor, affiliation.organization):
        raise PermissionDenied(_("You cannot end this affiliation."))
    if affiliation.status not in (Affiliation.Status.PENDING, Affiliation.Status.ACTIVE):
        raise ValidationError(_("This affiliation has already ended."))
    affiliation.status = Affiliation.Status.ENDED
    affiliation.ended_at = timezone.now()
    affiliation.save(update_fields=["status", "ended_at"])
    _log_change(actor, affiliation, _("Affiliation ended."))
    if not is_own:
        _send_mail(
            "affiliation_ended",
            [affiliation.user.email],
            {
                "affiliation": affiliation,
                "organization": affiliation.organization,
                "reason": reason.strip(),
            },
        )
    return affiliation


def referent_invitation_validate(*, organization: Organization, email: str) -> str:
    """Check an invitation makes sense; return the address, normalised.

    The admin's form calls this too, so the coordinator sees the reason next to the field.
    """
    if not organization.is_active:
        raise ValidationError(
            _("%(name)s is not an active member of the District: activate it first.")
            % {"name": organization.name}
        )
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    if (
        Affiliation.objects.referents()
        .filter(
            organization=organization,
            user__emailaddress__email__iexact=email,
            user__emailaddress__verified=True,
        )
        .exists()
    ):
        raise ValidationError(
            _("%(email)s is already a referent of %(name)s.")
            % {"email": email, "name": organization.name}
        )
    return email


@transaction.atomic
def referent_invite(
    *,
    organization: Organization,
    email: str,
    actor: AbstractBaseUser,
    language: str | None = None,
) -> ReferentInvitation:
    """The coordinator invites someone to be referent of an active organisation.

    Inviting the same address again for the same organisation replaces the earlier
    invitation (its link stops working), so a lost e-mail is simply sent again. Only the
    e-mail holds the link's token; the database keeps its hash.

    The invitation is written in ``language``, the coordinator's choice; without one, in
    the language the invitee chose if they have an account, else in the site's language
    (never in whatever language the coordinator's pages happen to be in). The invitee
    signs up from the link, in the invitation's language, and sign-up keeps that language
    as their preference.
    """
    if not is_coordinator(actor):
        raise PermissionDenied(_("Only the coordinator can invite referents."))
    email = referent_invitation_validate(organization=organization, email=email)
    now = timezone.now()
    ReferentInvitation.objects.open(now).filter(
        organization=organization, email__iexact=email
    ).update(expires_at=now)
    account_language = (
        Person.objects.filter(user__email__iexact=email).values_list("language", flat=True).first()
    )
    language = supported_language(language or account_language or settings.LANGUAGE_CODE)
    invitation = ReferentInvitation.objects.create_with_token(
        organization=organization,
        email=email,
        invited_by=actor,
        language=language,
        expires_at=now + datetime.timedelta(days=INVITATION_VALID_DAYS),
    )
    _log_change(
        actor,
        organization,
        _("Invited %(email)s to be referent.") % {"email": email},
    )
    _send_mail(
        "referent_invitation",
        [email],
        {
            "invitation": invitation,
            "organization": organization,
            "accept_url": _absolute_url("account:invitation-accept", token=invitation.raw_token),
        },
        languages={email: invitation.language},
    )
    return invitation


@transaction.atomic
def invitation_revoke(
    *, invitation: ReferentInvitation, actor: AbstractBaseUser
) -> ReferentInvitation:
    """The coordinator withdraws an invitation that has not been used: its link stops working."""
    if not is_coordinator(actor):
        raise PermissionDenied(_("Only the coordinator can revoke invitations."))
    invitation = ReferentInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_accepted:
        raise ValidationError(
            _("The invitation to %(email)s has already been accepted.")
            % {"email": invitation.email}
        )
    if invitation.is_expired():
        raise ValidationError(
            _("The invitation to %(email)s has already expired.") % {"email": invitation.email}
        )
    invitation.expires_at = timezone.now()
    invitation.save(update_fields=["expires_at"])
    _log_change(actor, invitation, _("Invitation revoked."))
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: ReferentInvitation, actor: AbstractBaseUser) -> Affiliation:
    """The invitee, holding a verified copy of the invited address, becomes referent."""
    invitation = (
        ReferentInvitation.objects.select_for_update()
        .select_related("organization")
        .get(pk=invitation.pk)
    )
    if invitation.is_accepted:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.is_expired():
        raise ValidationError(_("This invitation has expired: ask the coordinator for a new one."))
    if not actor.is_authenticated or invitation.email.lower() not in _verified_emails(actor):
        raise PermissionDenied(
            _("This invitation was sent to %(email)s: sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    organization = invitation.organization
    if not organization.is_active:
        raise ValidationError(
            _("%(name)s is no longer an active member of the District.")
            % {"name": organization.name}
        )
    now = timezone.now()
    affiliation = _open_affiliation(actor, organization)
    if affiliation is None:
        affiliation = Affiliation(user=actor, organization=organization)
    affiliation.role = Affiliation.Role.REFERENT
    affiliation.status = Affiliation.Status.ACTIVE
    affiliation.verified_via = Affiliation.VerifiedVia.INVITATION
    affiliation.verified_at = now
    affiliation.verified_by = invitation.invited_by
    affiliation.save()
    invitation.accepted_at = now
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _log_change(actor, affiliation, _("Referent by invitation."))
    return affiliation
