"""Organisations and their membership of the district: activation, suspension, withdrawal
and the public profile (applications to join are in ``applications.py``)."""

import datetime

from django.contrib.admin.models import ADDITION
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.uploads import delete_replaced_file, stored_file_name
from partners.actions._common import _log_change, _send_mail
from partners.models import Affiliation, Organization

__all__ = [
    "organization_create",
    "organization_activate",
    "organization_suspend",
    "organization_withdraw",
    "organization_update_profile",
    "organization_update",
]


def _end_current_affiliations(organization: Organization) -> int:
    """People stop belonging to an organisation that leaves the district."""
    return Affiliation.objects.filter(
        organization=organization, status=Affiliation.Status.ACTIVE
    ).update(status=Affiliation.Status.ENDED, ended_at=timezone.now())


def _lock(organization: Organization) -> None:
    """Lock the row and read its membership afresh, so two coordinators cannot cross."""
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    organization.membership_status = locked.membership_status
    organization.joined_on, organization.left_on = locked.joined_on, locked.left_on


def _tell_current_people(organization: Organization, template: str) -> int:
    """Mail the organisation's referents and verified employees (each their own text).

    Returns how many people were told.
    """
    affiliations = (
        Affiliation.objects.current()
        .filter(organization=organization, user__is_active=True)
        .values_list("role", "user__email")
    )
    by_role: dict[str, list[str]] = {Affiliation.Role.REFERENT: [], Affiliation.Role.EMPLOYEE: []}
    for role, email in affiliations:
        by_role.setdefault(role, []).append(email)
    for role, emails in by_role.items():
        _send_mail(
            template,
            emails,
            {"organization": organization, "is_referent": role == Affiliation.Role.REFERENT},
        )
    return sum(len(emails) for emails in by_role.values())


@transaction.atomic
def organization_activate(
    *, organization: Organization, actor: AbstractBaseUser | None
) -> Organization:
    """Make an applicant, suspended or withdrawn organisation an active member.

    A suspended member gets back exactly what it had: its people kept their affiliations
    (roles and verification included) during the suspension, so its referents return to
    the partner area and its employees see reserved services again; they are told by mail.
    """
    _lock(organization)
    if organization.membership_status == Organization.MembershipStatus.ACTIVE:
        raise ValidationError(_("%(name)s is already active.") % {"name": organization.name})
    was_suspended = organization.membership_status == Organization.MembershipStatus.SUSPENDED
    organization.membership_status = Organization.MembershipStatus.ACTIVE
    if organization.joined_on is None:
        organization.joined_on = timezone.localdate()
    organization.left_on = None
    organization.save(update_fields=["membership_status", "joined_on", "left_on", "updated_at"])
    if was_suspended:
        told = _tell_current_people(organization, "organization_reactivated")
        _log_change(
            actor,
            organization,
            _("Membership reactivated; %(count)d people told by e-mail.") % {"count": told},
        )
    else:
        _log_change(actor, organization, _("Membership activated."))
    return organization


@transaction.atomic
def organization_suspend(
    *, organization: Organization, actor: AbstractBaseUser | None
) -> Organization:
    """Suspend an active member: it stays listed, its services are hidden, and its people
    lose their partner rights while it is suspended, without losing who they are.

    Affiliations (roles, verification) are kept untouched: every right that comes from
    them requires an active member, so they simply stop counting until reactivation.
    Ending an affiliation stays a separate act. Referents and employees are told by mail.
    """
    _lock(organization)
    if organization.membership_status != Organization.MembershipStatus.ACTIVE:
        raise ValidationError(
            _("Only an active organisation can be suspended: %(name)s is not active.")
            % {"name": organization.name}
        )
    organization.membership_status = Organization.MembershipStatus.SUSPENDED
    organization.save(update_fields=["membership_status", "updated_at"])
    told = _tell_current_people(organization, "organization_suspended")
    _log_change(
        actor,
        organization,
        _("Membership suspended; affiliations kept, %(count)d people told by e-mail.")
        % {"count": told},
    )
    return organization


@transaction.atomic
def organization_withdraw(
    *,
    organization: Organization,
    actor: AbstractBaseUser | None,
    left_on: datetime.date | None = None,
) -> Organization:
    """Record that an active or suspended member has left the district."""
    if organization.membership_status not in (
        Organization.MembershipStatus.ACTIVE,
        Organization.MembershipStatus.SUSPENDED,
    ):
        raise ValidationError(
            _("Only an active or suspended organisation can withdraw: %(name)s is not a member.")
            % {"name": organization.name}
        )
    left_on = left_on or timezone.localdate()
    if organization.joined_on and left_on < organization.joined_on:
        raise ValidationError(
            _("%(name)s cannot leave before the date it joined (%(joined)s).")
            % {"name": organization.name, "joined": organization.joined_on.isoformat()}
        )
    organization.membership_status = Organization.MembershipStatus.WITHDRAWN
    organization.left_on = left_on
    organization.save(update_fields=["membership_status", "left_on", "updated_at"])
    ended = _end_current_affiliations(organization)
    _log_change(
        actor,
        organization,
        _("Membership withdrawn; %(count)d affiliations ended.") % {"count": ended},
    )
    return organization


def unique_organization_slug(name: str) -> str:
    base = slugify(name)[:190] or "organizzazione"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organization_create(*, actor: AbstractBaseUser | None, **fields) -> Organization:
    """Put an organisation on file; ``fields`` are the model's fields (slug made from the name).

    Raises ValidationError, with nothing saved, when a field is invalid or the name is taken.
    """
    if not fields.get("slug"):
        fields["slug"] = unique_organization_slug(fields.get("name") or "")
    organization = Organization(**fields)
    organization.full_clean()
    organization.save()
    _log_change(actor, organization, _("Organisation created."), flag=ADDITION)
    return organization


ORGANIZATION_PROFILE_FIELDS = [
    "description",
    "website",
    "contact_email",
    "contact_phone",
    "address",
    "area",
]


@transaction.atomic
def organization_update_profile(
    *, organization: Organization, data: dict, actor: AbstractBaseUser | None
) -> Organization:
    """Save a referent's changes to the organisation's public profile (and its logo)."""
    from django.core.files.uploadedfile import UploadedFile

    stored_logo = Organization.objects.filter(pk=organization.pk).values_list("logo", flat=True)
    old_logo = stored_logo.first() or ""
    for name in ORGANIZATION_PROFILE_FIELDS:
        if name in data:
            setattr(organization, name, data[name])
    # The form gives None or the current file (keep), False (remove) or a new, checked upload.
    logo = data.get("logo")
    if logo is False:
        organization.logo = ""
    elif isinstance(logo, UploadedFile):
        organization.logo = logo
    organization.save()
    if old_logo and old_logo != organization.logo.name:
        storage = Organization._meta.get_field("logo").storage
        transaction.on_commit(lambda: storage.delete(old_logo), robust=True)
    _log_change(actor, organization, _("Public profile changed in the partner area."))
    return organization


@transaction.atomic
def organization_update(
    *, organization: Organization, actor: AbstractBaseUser | None, **fields
) -> Organization:
    """Change an organisation's record; ``fields`` are the model's fields.

    Membership changes have their own actions (activate, suspend, withdraw), which tell the
    people concerned: they are refused here.
    """
    if "membership_status" in fields:
        raise ValidationError(
            _("Change the membership with the activate, suspend or withdraw actions.")
        )
    old_logo = stored_file_name(organization, "logo")
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.full_clean()
    organization.save()
    delete_replaced_file(organization, "logo", old_logo)
    _log_change(actor, organization, _("Organisation changed."))
    return organization
