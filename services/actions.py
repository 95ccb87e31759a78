"""Writes on welfare services: each one atomic and recorded in the admin log."""

import logging

from django.conf import settings
from django.contrib.admin.models import ADDITION
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.audit import log_action
from common.records import Ensured, ensure, log_ensured
from common.uploads import random_image_name
from partners.mail import send_mail_to_people, site_url
from partners.models import Affiliation, Organization
from services.models import Audience, Category, SavedService, ServiceRequest, WelfareService
from services.slugs import unique_service_slug


@transaction.atomic
def service_publish(*, service: WelfareService, actor: AbstractBaseUser | None) -> WelfareService:
    """Put a draft or archived service in the catalogue.

    The first publication date is kept when a service comes back from the archive, so
    "new" listings do not reshuffle.
    """
    if service.status == WelfareService.Status.PUBLISHED:
        raise ValidationError(_("%(title)s is already published.") % {"title": service.title})
    service.status = WelfareService.Status.PUBLISHED
    if service.published_at is None:
        service.published_at = timezone.now()
    service.save(update_fields=["status", "published_at", "updated_at"])
    log_action(actor, service, _("Service published."))
    return service


@transaction.atomic
def service_archive(*, service: WelfareService, actor: AbstractBaseUser | None) -> WelfareService:
    """Take a service out of the catalogue, keeping it (and its requests) on file."""
    if service.status == WelfareService.Status.ARCHIVED:
        raise ValidationError(_("%(title)s is already archived.") % {"title": service.title})
    service.status = WelfareService.Status.ARCHIVED
    service.save(update_fields=["status", "updated_at"])
    log_action(actor, service, _("Service archived."))
    return service


# --- The partner area: referents' writes on their own services, requests, saved lists ---

logger = logging.getLogger(__name__)

# Fields a referent edits through the service form, copied as they are (the many-to-many
# fields and the image are saved apart).
SERVICE_EDITABLE_FIELDS = [
    name
    for name in WelfareService.PROVIDER_FIELDS
    if name not in ("audiences", "eligible_organizations", "image")
]
ANSWER_STATUSES = {
    ServiceRequest.Status.ACCEPTED,
    ServiceRequest.Status.DECLINED,
    ServiceRequest.Status.MORE_INFO,
}


def _delete_file_later(name: str) -> None:
    """Remove a replaced image once nothing points at it any more."""
    if not name:
        return
    storage = WelfareService._meta.get_field("image").storage

    def delete():
        if not WelfareService.objects.filter(image=name).exists():
            storage.delete(name)

    transaction.on_commit(delete, robust=True)


def _apply_service_data(service: WelfareService, data: dict) -> None:
    """Copy validated form data onto the service."""
    for name in SERVICE_EDITABLE_FIELDS:
        if name in data:
            setattr(service, name, data[name])
    # The form gives None or the current file (keep), False (remove) or a new, checked upload.
    image = data.get("image")
    if image is False:
        service.image = ""
    elif isinstance(image, UploadedFile):
        service.image = image


def _set_relations(service: WelfareService, data: dict) -> None:
    if "audiences" in data:
        service.audiences.set(data["audiences"])
    if service.eligibility == WelfareService.Eligibility.CHOSEN_PARTNERS:
        if "eligible_organizations" in data:
            service.eligible_organizations.set(data["eligible_organizations"])
    else:
        service.eligible_organizations.clear()


def _save_with_new_slug(service: WelfareService) -> None:
    """Save a new service under a free slug, choosing again if another took it meanwhile."""
    for attempt in range(3):
        service.slug = unique_service_slug(service.title)
        try:
            with transaction.atomic():
                service.save()
            return
        except IntegrityError:
            if attempt == 2 or not WelfareService.objects.filter(slug=service.slug).exists():
                raise


@transaction.atomic
def service_create(
    *, organization: Organization, data: dict, actor: AbstractBaseUser | None
) -> WelfareService:
    """A new draft service of `organization`, from the service form's cleaned data."""
    service = WelfareService(
        provider=organization, status=WelfareService.Status.DRAFT, created_by=actor
    )
    _apply_service_data(service, data)
    _save_with_new_slug(service)
    _set_relations(service, data)
    log_action(actor, service, _("Service created as a draft in the partner area."), flag=ADDITION)
    return service


@transaction.atomic
def service_update(
    *, service: WelfareService, data: dict, actor: AbstractBaseUser | None
) -> WelfareService:
    """Save a referent's changes; the slug stays, so shared links keep working."""
    # Read from the database: a bound ModelForm has already put the new file on the instance.
    stored_image = WelfareService.objects.filter(pk=service.pk).values_list("image", flat=True)
    old_image = stored_image.first() or ""
    _apply_service_data(service, data)
    service.save()
    _set_relations(service, data)
    if old_image and old_image != service.image.name:
        _delete_file_later(old_image)
    log_action(actor, service, _("Service changed in the partner area."))
    return service


@transaction.atomic
def service_duplicate(*, service: WelfareService, actor: AbstractBaseUser | None) -> WelfareService:
    """A draft copy of a service (audiences and chosen organisations too) to start from."""
    with translation.override(settings.LANGUAGE_CODE):
        suffix = _(" (copy)")
    max_title = WelfareService._meta.get_field("title").max_length
    copy = WelfareService(
        provider_id=service.provider_id,
        title=service.title[: max_title - len(suffix)] + suffix,
        status=WelfareService.Status.DRAFT,
        created_by=actor,
    )
    for name in SERVICE_EDITABLE_FIELDS:
        if name != "title":
            setattr(copy, name, getattr(service, name))
    if service.image:
        # Each service owns its file, so replacing one image never removes the other's.
        try:
            with service.image.open("rb") as original:
                extension = service.image.name.rsplit(".", 1)[-1].lower()
                copy.image.save(random_image_name(extension), File(original), save=False)
        except OSError:
            logger.warning("Image %s of service %s is missing", service.image.name, service.pk)
            copy.image = ""
    _save_with_new_slug(copy)
    copy.audiences.set(service.audiences.all())
    if copy.eligibility == WelfareService.Eligibility.CHOSEN_PARTNERS:
        copy.eligible_organizations.set(service.eligible_organizations.all())
    log_action(
        actor,
        copy,
        _("Service duplicated from %(slug)s as a draft.") % {"slug": service.slug},
        flag=ADDITION,
    )
    return copy


@transaction.atomic
def service_confirm_valid(
    *, service: WelfareService, actor: AbstractBaseUser | None
) -> WelfareService:
    """Record that a referent checked today that the service is still offered as described."""
    if service.status == WelfareService.Status.ARCHIVED:
        raise ValidationError(
            _("%(title)s is archived: publish it again before confirming it.")
            % {"title": service.title}
        )
    service.last_verified_on = timezone.localdate()
    service.save(update_fields=["last_verified_on", "updated_at"])
    log_action(actor, service, _("Service confirmed as still valid."))
    return service


def _referent_emails(organization_id: int) -> list[str]:
    return list(
        Affiliation.objects.referents()
        .filter(organization_id=organization_id, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def _already_open_error() -> ValidationError:
    return ValidationError(
        _(
            "You already sent a request for this service and it is waiting for an "
            "answer. You can follow it in “My requests”."
        ),
        code="request_already_open",
    )


def _has_open_request(service: WelfareService, actor: AbstractBaseUser) -> bool:
    return ServiceRequest.objects.filter(
        service=service, requester=actor, status=ServiceRequest.Status.OPEN
    ).exists()


@transaction.atomic
def service_request_send(
    *,
    service: WelfareService,
    organization: Organization,
    kind: str,
    message: str,
    actor: AbstractBaseUser,
) -> ServiceRequest:
    """An employee's interest or booking request; the provider's referents get an e-mail.

    The caller has checked that `actor` may see the service and belongs to `organization`.
    One open request per person and service: a second one would only duplicate the first.
    """
    if kind not in ServiceRequest.Kind.values:
        raise ValidationError(_("Choose whether you are interested or want to book."))
    if _has_open_request(service, actor):
        raise _already_open_error()
    try:
        # A savepoint: a double submit racing past the check above meets the database's
        # unique constraint, and the person gets the same message instead of an error page.
        with transaction.atomic():
            service_request = ServiceRequest.objects.create(
                service=service,
                requester=actor,
                requester_organization=organization,
                kind=kind,
                message=message,
            )
    except IntegrityError:
        if _has_open_request(service, actor):
            raise _already_open_error() from None
        raise
    send_mail_to_people(
        "service_request_received",
        _referent_emails(service.provider_id),
        {
            "service_request": service_request,
            "service": service,
            "requester_organization": organization,
            "answer_url": site_url("area:request-answer", pk=service_request.pk),
        },
    )
    return service_request


@transaction.atomic
def service_request_answer(
    *,
    service_request: ServiceRequest,
    status: str,
    answer: str,
    actor: AbstractBaseUser,
) -> ServiceRequest:
    """The provider's answer; the person who asked gets it by e-mail."""
    if status not in ANSWER_STATUSES:
        raise ValidationError(_("Choose an answer."))
    service_request.status = status
    service_request.answer = answer
    service_request.answered_by = actor
    service_request.answered_at = timezone.now()
    service_request.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    requester = service_request.requester
    if requester is not None and requester.is_active:
        send_mail_to_people(
            "service_request_answered",
            [requester.email],
            {
                "service_request": service_request,
                "service": service_request.service,
                "my_requests_url": site_url("services:my-requests"),
            },
        )
    return service_request


@transaction.atomic
def service_save(*, service: WelfareService, actor: AbstractBaseUser) -> SavedService:
    """Add a service to the person's own list (saving twice changes nothing)."""
    saved, _created = SavedService.objects.get_or_create(user=actor, service=service)
    return saved


@transaction.atomic
def service_unsave(*, service: WelfareService, actor: AbstractBaseUser) -> bool:
    """Remove a service from the person's list; False if it was not there."""
    deleted, _details = SavedService.objects.filter(user=actor, service=service).delete()
    return bool(deleted)


# --- Reference data (the demo district, imports): idempotent upserts by natural key ---


@transaction.atomic
def category_ensure(*, slug: str, actor: AbstractBaseUser | None, **fields) -> Ensured[Category]:
    """The catalogue category `slug` with the given name, icon, description and position."""
    result = ensure(Category, {"slug": slug}, fields)
    log_ensured(actor, result)
    return result


@transaction.atomic
def audience_ensure(*, code: str, actor: AbstractBaseUser | None, **fields) -> Ensured[Audience]:
    """The audience `code` (an age band, families...) with the given name and position."""
    result = ensure(Audience, {"code": code}, fields)
    log_ensured(actor, result)
    return result


@transaction.atomic
def service_ensure(
    *, slug: str, actor: AbstractBaseUser | None, **fields
) -> Ensured[WelfareService]:
    """The service `slug` exactly as given: status and dates included, audiences and chosen
    organisations as lists.

    For data prepared elsewhere (the demo district): a referent's changes go through
    service_create / service_update and the publication workflow instead.
    """
    if fields.get("eligibility") != WelfareService.Eligibility.CHOSEN_PARTNERS:
        fields["eligible_organizations"] = []
    result = ensure(WelfareService, {"slug": slug}, fields)
    log_ensured(actor, result)
    return result
