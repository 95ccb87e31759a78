"""Organisations applying to join the district: the public application, the applicant's
e-mail confirmation and private status link, the coordinator's questions and decision.

The applicant has no account: what they do (apply, confirm, answer) is kept on the
application itself (dates, messages); every step of the coordinator is in the admin log.
The private status link carries a random token of which only the hash is stored (like a
referent invitation); each mail that carries the link carries a new one, and the earlier
link stops working, so the link in the latest mail is always the one that works.
"""

import contextlib
import re
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.admin.models import ADDITION
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.fields import NOTES_MAX_LENGTH
from partners.actions._common import _absolute_url, _log_change, _send_mail
from partners.actions.organizations import organization_activate, unique_organization_slug
from partners.actions.people import (
    affiliation_from_verified_email,
    referent_invite,
)
from partners.models import (
    ApplicationMessage,
    Certification,
    EmailDomain,
    MembershipApplication,
    Organization,
    domain_validator,
    hash_invitation_token,
    validate_organization_mail_domain,
)
from partners.rules import coordinators, is_coordinator

__all__ = [
    "APPLICATION_CONFIRM_DAYS",
    "membership_application_domains",
    "membership_application_check_duplicates",
    "membership_application_submit",
    "membership_application_confirmation_key",
    "membership_application_for_key",
    "membership_application_confirm",
    "membership_application_request_information",
    "membership_application_answer",
    "membership_application_approve",
    "membership_application_reject",
]

# The confirmation link in the first mail works for this many days.
APPLICATION_CONFIRM_DAYS = 7
_CONFIRM_SALT = "partners.membership-application.confirm"
_Status = MembershipApplication.Status


# --- Reading what the applicant typed -----------------------------------------------------


def membership_application_domains(text: str) -> list[str]:
    """The employees' e-mail domains typed by the applicant (one per line, or separated by
    commas or spaces), lowercased, without "@"; each checked like a registered domain."""
    domains = []
    for raw in re.split(r"[\s,;]+", text or ""):
        domain = raw.strip().lower().lstrip("@").rstrip(".")
        if domain and domain not in domains:
            domains.append(domain)
    if len(domains) > MembershipApplication.MAX_DOMAINS:
        raise ValidationError(
            _("Enter at most %(max)d domains.") % {"max": MembershipApplication.MAX_DOMAINS}
        )
    errors = []
    for domain in domains:
        for check in (domain_validator, validate_organization_mail_domain):
            try:
                check(domain)
            except ValidationError as error:
                errors.extend(f"{domain}: {message}" for message in error.messages)
                break
    if errors:
        raise ValidationError(errors)
    return domains


def membership_application_check_duplicates(
    *, name: str, domains: list[str], exclude: MembershipApplication | None = None
) -> None:
    """Refuse an application from a member of the district, or one already under review.

    The same organisation is the same name (ignoring case), or a domain already registered
    for another organisation or named by another application under review. A former
    member (withdrawn) may apply again under its name and with its own domains.
    """
    name = " ".join((name or "").split())
    errors = []
    member = (
        Organization.objects.filter(name__iexact=name)
        .exclude(membership_status=Organization.MembershipStatus.WITHDRAWN)
        .first()
    )
    if member is not None:
        errors.append(
            _(
                "%(name)s is already on file as a member of the district (%(status)s). "
                "If you are its new referent, ask the coordinator for an invitation instead."
            )
            % {"name": member.name, "status": member.get_membership_status_display().lower()}
        )
    under_review = MembershipApplication.objects.confirmed_open()
    if exclude is not None:
        under_review = under_review.exclude(pk=exclude.pk)
    if not errors and under_review.filter(organization_name__iexact=name).exists():
        errors.append(
            _(
                "An application from %(name)s is already under review: follow it at the "
                "private link the coordinator sent to its contact person."
            )
            % {"name": name}
        )
    registered = EmailDomain.objects.filter(domain__in=domains).select_related("organization")
    for email_domain in registered:
        owner = email_domain.organization
        if owner.membership_status == Organization.MembershipStatus.WITHDRAWN and (
            owner.name.lower() == name.lower()
        ):
            continue
        errors.append(
            _("The domain %(domain)s is already registered for %(name)s.")
            % {"domain": email_domain.domain, "name": owner.name}
        )
    for domain in domains:
        if under_review.filter(email_domains__regex=rf"(^|\s){re.escape(domain)}($|\s)").exists():
            errors.append(
                _("The domain %(domain)s is named by another application under review.")
                % {"domain": domain}
            )
    if errors:
        raise ValidationError(errors)


# --- The applicant ------------------------------------------------------------------------


def membership_application_confirmation_key(application: MembershipApplication) -> str:
    """The signed key of the confirmation link (application and address, dated)."""
    return signing.dumps(
        [application.pk, application.contact_email.lower()], salt=_CONFIRM_SALT, compress=True
    )


def membership_application_for_key(key: str) -> tuple[MembershipApplication | None, bool]:
    """The application a confirmation key names, and whether the key has expired.

    (None, False) for a key that was not made here (or names a deleted application, or
    an address that was changed since).
    """
    try:
        pk, email = signing.loads(
            key, salt=_CONFIRM_SALT, max_age=timedelta(days=APPLICATION_CONFIRM_DAYS)
        )
    except signing.SignatureExpired:
        return None, True
    except (signing.BadSignature, TypeError, ValueError):
        return None, False
    if not isinstance(pk, int) or not isinstance(email, str):
        return None, False
    application = MembershipApplication.objects.filter(pk=pk).first()
    if application is None or application.contact_email.lower() != email:
        return None, False
    return application, False


def _status_link(application: MembershipApplication) -> str:
    """Give the application a new private status token; return the link carrying it.

    Saved by the caller. The link in earlier mail stops working.
    """
    raw_token = secrets.token_urlsafe(32)
    application.status_token_hash = hash_invitation_token(raw_token)
    application.status_url_token = raw_token
    return _absolute_url("join:application-status", token=raw_token)


def _tell_coordinators(template: str, application: MembershipApplication) -> None:
    _send_mail(
        template,
        list(coordinators().values_list("email", flat=True)),
        {
            "application": application,
            "review_url": _absolute_url(
                "admin:partners_membershipapplication_change", object_id=application.pk
            ),
        },
    )


@transaction.atomic
def membership_application_submit(
    *, fields: dict, email_domains: list[str], certificate=None
) -> MembershipApplication:
    """An organisation applies from the public page: kept unconfirmed until the contact
    person opens the link mailed to the address they gave.

    ``fields`` are the model's fields typed by the applicant. Raises ValidationError, with
    nothing saved, for a duplicate or an invalid field.
    """
    membership_application_check_duplicates(
        name=fields.get("organization_name", ""), domains=email_domains
    )
    application = MembershipApplication(
        **fields,
        email_domains="\n".join(email_domains),
        status=_Status.UNCONFIRMED,
        submitted_at=timezone.now(),
    )
    if certificate is not None:
        application.certificate = certificate
    application.organization_name = " ".join(application.organization_name.split())
    application.full_clean()
    application.save()
    _send_mail(
        "application_confirm",
        [application.contact_email],
        {
            "application": application,
            "confirm_url": _absolute_url(
                "join:application-confirm",
                key=membership_application_confirmation_key(application),
            ),
            "days": APPLICATION_CONFIRM_DAYS,
        },
    )
    return application


def _locked(application: MembershipApplication) -> MembershipApplication:
    return MembershipApplication.objects.select_for_update().get(pk=application.pk)


@transaction.atomic
def membership_application_confirm(*, application: MembershipApplication) -> str:
    """The contact person opened the confirmation link: the application reaches the
    coordinator. Returns the token of the private status link (also mailed)."""
    application = _locked(application)
    if application.status != _Status.UNCONFIRMED:
        raise ValidationError(
            _(
                "This application has already been confirmed: follow it at the private link "
                "in the latest message you received."
            )
        )
    membership_application_check_duplicates(
        name=application.organization_name,
        domains=application.domain_list(),
        exclude=application,
    )
    now = timezone.now()
    application.status = _Status.SUBMITTED
    application.email_confirmed_at = now
    application.submitted_at = now
    status_url = _status_link(application)
    application.save(
        update_fields=["status", "email_confirmed_at", "submitted_at", "status_token_hash"]
    )
    _send_mail(
        "application_received",
        [application.contact_email],
        {"application": application, "status_url": status_url},
    )
    _tell_coordinators("application_submitted", application)
    return application.status_url_token


def _clean_text(text: str, *, required_message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(required_message)
    if len(text) > NOTES_MAX_LENGTH:
        raise ValidationError(
            _("The message can be at most %(max)d characters long.") % {"max": NOTES_MAX_LENGTH}
        )
    return text


@transaction.atomic
def membership_application_answer(*, application: MembershipApplication, answer: str) -> None:
    """The applicant answers the coordinator's question through the private link."""
    answer = _clean_text(answer, required_message=_("Write your answer."))
    application = _locked(application)
    if application.status != _Status.INFO_REQUESTED:
        raise ValidationError(_("The coordinator is not waiting for an answer from you."))
    ApplicationMessage.objects.create(
        application=application, author=ApplicationMessage.Author.APPLICANT, text=answer
    )
    application.status = _Status.SUBMITTED
    application.save(update_fields=["status"])
    _tell_coordinators("application_answered", application)


# --- The coordinator ----------------------------------------------------------------------


def _check_coordinator(actor) -> None:
    if not is_coordinator(actor):
        raise PermissionDenied(_("Only the coordinator reviews membership applications."))


def _check_reviewable(application: MembershipApplication) -> None:
    if application.status == _Status.UNCONFIRMED:
        raise ValidationError(
            _(
                "%(name)s has not confirmed its e-mail address yet: the application cannot "
                "be approved."
            )
            % {"name": application.organization_name}
        )
    if not application.is_open:
        raise ValidationError(
            _("The application of %(name)s has already been reviewed.")
            % {"name": application.organization_name}
        )


@transaction.atomic
def membership_application_request_information(
    *, application: MembershipApplication, question: str, actor: AbstractBaseUser
) -> MembershipApplication:
    """The coordinator asks the applicant for more information; the applicant answers
    through the private link, mailed anew with the question."""
    _check_coordinator(actor)
    question = _clean_text(question, required_message=_("Write the question for the applicant."))
    application = _locked(application)
    _check_reviewable(application)
    ApplicationMessage.objects.create(
        application=application, author=ApplicationMessage.Author.COORDINATOR, text=question
    )
    application.status = _Status.INFO_REQUESTED
    status_url = _status_link(application)
    application.save(update_fields=["status", "status_token_hash"])
    _log_change(actor, application, _("More information requested from the applicant."))
    _send_mail(
        "application_info_requested",
        [application.contact_email],
        {"application": application, "question": question, "status_url": status_url},
    )
    return application


def _register_domains(organization: Organization, domains: list[str], actor) -> list[str]:
    added = []
    for domain in domains:
        existing = EmailDomain.objects.filter(domain=domain).select_related("organization").first()
        if existing is not None:
            if existing.organization_id != organization.pk:
                raise ValidationError(
                    _("The domain %(domain)s is already registered for %(name)s.")
                    % {"domain": domain, "name": existing.organization.name}
                )
            continue
        email_domain = EmailDomain(organization=organization, domain=domain)
        email_domain.full_clean(validate_constraints=False)
        email_domain.save()
        added.append(domain)
    if added:
        _log_change(
            actor,
            organization,
            _("E-mail domains registered: %(domains)s.") % {"domains": ", ".join(added)},
        )
        # People who already verified an address on these domains become its employees.
        for domain in added:
            addresses = EmailAddress.objects.filter(verified=True, email__iendswith=f"@{domain}")
            for address in addresses.select_related("user"):
                affiliation_from_verified_email(email_address=address, actor=actor)
    return added


def _record_certification(
    organization: Organization, application: MembershipApplication, actor
) -> Certification | None:
    if not application.certification_phase:
        return None
    certification = Certification(
        organization=organization,
        phase=application.certification_phase,
        status=(
            Certification.Status.VALID
            if application.is_certified
            else Certification.Status.IN_PROGRESS
        ),
        registered_on=application.certification_registered_on,
        granted_on=application.certification_granted_on,
        expires_on=application.certification_expires_on,
        reference=application.certification_reference,
    )
    certification.full_clean()
    certification.save()
    _log_change(actor, certification, _("Recorded from the membership application."), flag=ADDITION)
    return certification


@transaction.atomic
def membership_application_approve(
    *,
    application: MembershipApplication,
    actor: AbstractBaseUser | None,
    notes: str = "",
) -> Organization:
    """Accept an application: the organisation becomes an active member from today.

    Its e-mail domains are registered (people already holding a verified address there
    become its employees), its Family Audit step is recorded, and the contact person is
    invited to be its referent (when the coordinator approves). An organisation already
    on file under the same name (one that withdrew and asks to come back) is re-activated
    rather than duplicated. The working group and the welcome mail are the project's
    composition (``distretto.joining``), which calls this.
    """
    application = _locked(application)
    _check_reviewable(application)
    name = application.organization_name.strip()
    organization = Organization.objects.filter(name__iexact=name).first()
    if organization is None:
        organization = Organization.objects.create(
            name=name,
            slug=unique_organization_slug(name),
            kind=application.kind,
            contact_email=application.contact_email,
            membership_status=Organization.MembershipStatus.ACTIVE,
            joined_on=timezone.localdate(),
        )
        _log_change(actor, organization, _("Created from a membership application."), flag=ADDITION)
    elif organization.membership_status != Organization.MembershipStatus.ACTIVE:
        organization_activate(organization=organization, actor=actor)
    domains = _register_domains(organization, application.domain_list(), actor)
    _record_certification(organization, application, actor)
    application.status = _Status.APPROVED
    application.organization = organization
    application.reviewed_at = timezone.now()
    application.reviewed_by = actor
    if notes:
        application.review_notes = notes
    application.save(
        update_fields=["status", "organization", "reviewed_at", "reviewed_by", "review_notes"]
    )
    _log_change(
        actor,
        application,
        ngettext(
            "Application approved; %(count)d domain registered.",
            "Application approved; %(count)d domains registered.",
            len(domains),
        )
        % {"count": len(domains)},
    )
    if application.contact_email and is_coordinator(actor):
        # A former member coming back may have its referent already: nobody to invite.
        with contextlib.suppress(ValidationError):
            referent_invite(organization=organization, email=application.contact_email, actor=actor)
    return organization


@transaction.atomic
def membership_application_reject(
    *,
    application: MembershipApplication,
    actor: AbstractBaseUser | None,
    reason: str = "",
    notes: str = "",
) -> MembershipApplication:
    """Turn an application down. The reason is told to the applicant (by mail and on the
    status page); the notes stay in the back office."""
    application = _locked(application)
    if not application.is_open:
        raise ValidationError(
            _("The application of %(name)s has already been reviewed.")
            % {"name": application.organization_name}
        )
    reason = (reason or "").strip()
    if len(reason) > NOTES_MAX_LENGTH:
        raise ValidationError(
            _("The message can be at most %(max)d characters long.") % {"max": NOTES_MAX_LENGTH}
        )
    application.status = _Status.REJECTED
    application.reviewed_at = timezone.now()
    application.reviewed_by = actor
    if notes:
        application.review_notes = notes
    application.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_notes"])
    if reason:
        ApplicationMessage.objects.create(
            application=application, author=ApplicationMessage.Author.COORDINATOR, text=reason
        )
    _log_change(actor, application, _("Application rejected."))
    if application.email_confirmed_at is not None:
        _send_mail(
            "application_rejected",
            [application.contact_email],
            {"application": application, "reason": reason},
        )
    return application
