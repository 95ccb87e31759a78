"""Writes on welfare services: each one atomic and recorded in the admin log."""

import logging
from datetime import timedelta

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
from common.uploads import delete_replaced_file, random_image_name, stored_file_name
from partners.mail import send_mail_to_people, site_url
from partners.models import Affiliation, Organization
from services import rules
from services.models import (
    AgeBand,
    Audience,
    Category,
    NeedsAnswer,
    NeedsSurvey,
    SavedService,
    ServiceRequest,
    WelfareService,
)
from services.slugs import unique_service_slug

# Hours a person offered a freed place has to confirm it before it passes to the next one.
PLACE_OFFER_HOURS = 48


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
def service_record_create(*, actor: AbstractBaseUser | None, **fields) -> WelfareService:
    """A new service typed in the back office, always a draft: publishing is its own action.

    ``fields`` are the model's fields (the provider among them); a slug left empty is
    chosen from the title.
    """
    fields.pop("status", None)
    service = WelfareService(**fields, status=WelfareService.Status.DRAFT, created_by=actor)
    if service.slug:
        service.full_clean()
        service.save()
    else:
        _save_with_new_slug(service)
    log_action(actor, service, _("Service created as a draft in the back office."), flag=ADDITION)
    return service


@transaction.atomic
def service_record_update(
    *, service: WelfareService, actor: AbstractBaseUser | None, **fields
) -> WelfareService:
    """Change a service's record in the back office; ``fields`` are the model's fields.

    The status is refused here (publish and archive are actions that check and tell);
    a replaced or removed image leaves the storage once the change is committed.
    """
    if "status" in fields:
        raise ValidationError(_("Change the status with the publish or archive actions."))
    old_image = stored_file_name(service, "image")
    for name, value in fields.items():
        setattr(service, name, value)
    service.full_clean()
    service.save()
    delete_replaced_file(service, "image", old_image)
    log_action(actor, service, _("Service changed in the back office."))
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
    closed = rules.requests_closed_reason(service)
    if closed:
        raise ValidationError(closed)
    if kind not in ServiceRequest.Kind.values:
        raise ValidationError(_("Choose whether you are interested or want to book."))
    place = ServiceRequest.Place.NONE
    if kind == ServiceRequest.Kind.BOOKING and service.counts_places:
        # The service's row is the lock: two people taking the last place at once are
        # served one after the other, and the second one waits.
        service = WelfareService.objects.select_for_update().get(pk=service.pk)
        if service.not_running_since is not None:
            raise ValidationError(_("This service will not run: it did not get enough bookings."))
        place = _place_for_new_booking(service)
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
                place=place,
            )
    except IntegrityError:
        if _has_open_request(service, actor):
            raise _already_open_error() from None
        raise
    if place == ServiceRequest.Place.TAKEN:
        _tell_if_minimum_reached(service)
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


def _place_for_new_booking(service: WelfareService) -> str:
    """A place while there are places left; the waiting list afterwards. Caller holds the
    service's row lock."""
    if service.capacity is None:
        return ServiceRequest.Place.TAKEN
    held = ServiceRequest.objects.filter(service=service).holding_places().count()
    return ServiceRequest.Place.TAKEN if held < service.capacity else ServiceRequest.Place.WAITING


def _place_holders_emails(service: WelfareService) -> list[str]:
    return list(
        ServiceRequest.objects.filter(service=service, requester__is_active=True)
        .holding_places()
        .values_list("requester__email", flat=True)
    )


def _tell_if_minimum_reached(service: WelfareService) -> None:
    """Once, when the bookings reach the minimum: the provider's referents and everyone
    holding a place hear that the service will run."""
    if service.minimum_participants is None or service.minimum_reached_at is not None:
        return
    held = ServiceRequest.objects.filter(service=service).holding_places().count()
    if held < service.minimum_participants:
        return
    service.minimum_reached_at = timezone.now()
    service.save(update_fields=["minimum_reached_at"])
    context = {"service": service, "held": held}
    send_mail_to_people("service_minimum_reached", _referent_emails(service.provider_id), context)
    send_mail_to_people("service_minimum_reached", _place_holders_emails(service), context)


def _offer_freed_places(service: WelfareService) -> int:
    """Offer each free place to the next person waiting (in the order they booked), with
    ``PLACE_OFFER_HOURS`` to confirm. Caller holds the service's row lock."""
    if service.capacity is None:
        return 0
    free = (
        service.capacity - ServiceRequest.objects.filter(service=service).holding_places().count()
    )
    offered = 0
    waiting = ServiceRequest.objects.filter(
        service=service, place=ServiceRequest.Place.WAITING, status=ServiceRequest.Status.OPEN
    ).order_by("created_at", "pk")
    for service_request in waiting[: max(free, 0)]:
        service_request.place = ServiceRequest.Place.OFFERED
        service_request.offer_expires_at = timezone.now() + timedelta(hours=PLACE_OFFER_HOURS)
        service_request.save(update_fields=["place", "offer_expires_at"])
        if service_request.requester:
            send_mail_to_people(
                "service_place_offered",
                [service_request.requester.email],
                {
                    "service": service,
                    "service_request": service_request,
                    "my_requests_url": site_url("services:my-requests"),
                },
            )
        offered += 1
    return offered


def _release_place(service_request: ServiceRequest) -> None:
    """Give up the request's place (or its turn) and offer what it freed to the next one."""
    service = WelfareService.objects.select_for_update().get(pk=service_request.service_id)
    had_place = service_request.place in (ServiceRequest.Place.TAKEN, ServiceRequest.Place.OFFERED)
    service_request.place = ServiceRequest.Place.RELEASED
    service_request.offer_expires_at = None
    service_request.save(update_fields=["place", "offer_expires_at"])
    if had_place:
        _offer_freed_places(service)


def _lock_request_after_its_service(pk: int) -> ServiceRequest:
    """Lock a request's service row, then the request: always in that order (as sending a
    booking and offering a freed place do), so that two changes of one service's places
    wait for each other instead of deadlocking."""
    service_id = ServiceRequest.objects.values_list("service_id", flat=True).get(pk=pk)
    WelfareService.objects.select_for_update().only("pk").get(pk=service_id)
    return ServiceRequest.objects.select_for_update().get(pk=pk)


@transaction.atomic
def service_request_withdraw(
    *, service_request: ServiceRequest, actor: AbstractBaseUser
) -> ServiceRequest:
    """The requester takes back a request still awaiting an answer (and frees its place)."""
    service_request = _lock_request_after_its_service(service_request.pk)
    if service_request.requester_id != actor.pk:
        raise ValidationError(_("Only the person who sent a request can withdraw it."))
    if service_request.status != ServiceRequest.Status.OPEN:
        raise ValidationError(_("Only a request awaiting an answer can be withdrawn."))
    service_request.status = ServiceRequest.Status.WITHDRAWN
    service_request.save(update_fields=["status"])
    if service_request.place != ServiceRequest.Place.NONE:
        _release_place(service_request)
    return service_request


@transaction.atomic
def place_offer_confirm(
    *, service_request: ServiceRequest, actor: AbstractBaseUser
) -> ServiceRequest:
    """The person offered a freed place takes it, before the offer expires."""
    service_request = _lock_request_after_its_service(service_request.pk)
    if service_request.requester_id != actor.pk:
        raise ValidationError(_("Only the person who sent a request can confirm its place."))
    if (
        service_request.place != ServiceRequest.Place.OFFERED
        or service_request.offer_expires_at is None
        or service_request.offer_expires_at < timezone.now()
    ):
        raise ValidationError(_("This place is no longer offered to you."))
    service_request.place = ServiceRequest.Place.TAKEN
    service_request.offer_expires_at = None
    service_request.save(update_fields=["place", "offer_expires_at"])
    service = WelfareService.objects.select_for_update().get(pk=service_request.service_id)
    _tell_if_minimum_reached(service)
    return service_request


def place_offers_expire(now=None) -> int:
    """Offers not confirmed in time lapse (the request is withdrawn) and pass to the next."""
    now = now or timezone.now()
    expired = 0
    for pk in ServiceRequest.objects.filter(
        place=ServiceRequest.Place.OFFERED, offer_expires_at__lt=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            service_request = _lock_request_after_its_service(pk)
            if service_request.place != ServiceRequest.Place.OFFERED:
                continue
            service_request.status = ServiceRequest.Status.WITHDRAWN
            service_request.save(update_fields=["status"])
            _release_place(service_request)
            expired += 1
    return expired


def signups_close_below_minimum(today=None) -> int:
    """Services whose bookings closed without reaching the minimum: everyone is told, once."""
    today = today or timezone.localdate()
    closed = 0
    for pk in WelfareService.objects.filter(
        minimum_participants__isnull=False,
        minimum_reached_at__isnull=True,
        not_running_since__isnull=True,
        signup_deadline__lt=today,
    ).values_list("pk", flat=True):
        with transaction.atomic():
            service = WelfareService.objects.select_for_update().get(pk=pk)
            if service.not_running_since is not None or service.minimum_reached_at is not None:
                continue
            service.not_running_since = timezone.now()
            service.save(update_fields=["not_running_since"])
            waiting = ServiceRequest.objects.filter(
                service=service,
                place__in=[ServiceRequest.Place.WAITING, *ServiceRequest.PLACE_HOLDING],
                requester__is_active=True,
            ).values_list("requester__email", flat=True)
            context = {"service": service}
            send_mail_to_people("service_not_running", list(waiting), context)
            send_mail_to_people(
                "service_not_running", _referent_emails(service.provider_id), context
            )
            closed += 1
    return closed


@transaction.atomic
def service_request_answer(
    *,
    service_request: ServiceRequest,
    status: str,
    answer: str,
    actor: AbstractBaseUser,
) -> ServiceRequest:
    """The provider's answer; the person who asked gets it by e-mail.

    The same answer sent again (a double click, or the form sent once more after an error
    page while the first one had gone through) changes nothing and mails nobody twice.
    """
    if status not in ANSWER_STATUSES:
        raise ValidationError(_("Choose an answer."))
    # Locked: of two identical answers sent at the same moment, the second sees the first.
    current = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    if current.status == status and current.answer == answer:
        return current
    service_request.status = status
    service_request.answer = answer
    service_request.answered_by = actor
    service_request.answered_at = timezone.now()
    service_request.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    if status == ServiceRequest.Status.DECLINED and service_request.place in (
        ServiceRequest.Place.TAKEN,
        ServiceRequest.Place.OFFERED,
        ServiceRequest.Place.WAITING,
    ):
        _release_place(service_request)
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


# --- The needs survey -------------------------------------------------------------------------


@transaction.atomic
def needs_survey_open(*, actor: AbstractBaseUser | None, **fields) -> NeedsSurvey:
    """A new yearly survey (year, opens_on, closes_on, introduction)."""
    survey = NeedsSurvey(**fields)
    survey.full_clean()
    survey.save()
    log_action(actor, survey, _("Needs survey opened."), flag=ADDITION)
    return survey


@transaction.atomic
def needs_survey_update(*, survey: NeedsSurvey, actor: AbstractBaseUser | None, **fields):
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.full_clean()
    survey.save()
    log_action(actor, survey, _("Needs survey changed."))
    return survey


@transaction.atomic
def needs_answer_save(
    *, survey: NeedsSurvey, actor: AbstractBaseUser, categories, age_bands, comment: str
) -> NeedsAnswer:
    """Save the person's answer (a second answer replaces the first) while the survey is open."""
    from services.needs import may_answer, respondent_organization

    if not survey.is_open(timezone.localdate()):
        raise ValidationError(_("This survey is closed: answers can no longer be changed."))
    if not may_answer(actor):
        raise ValidationError(
            _("The survey is for the employees of the District's partner organisations.")
        )
    unknown = set(age_bands) - set(AgeBand.values)
    if unknown:
        raise ValidationError(_("Choose the age bands from the list."))
    answer, _created = NeedsAnswer.objects.select_for_update().get_or_create(
        survey=survey,
        respondent=actor,
        defaults={"organization": respondent_organization(actor)},
    )
    answer.organization = respondent_organization(actor)
    answer.age_bands = [band for band in AgeBand.values if band in set(age_bands)]
    answer.comment = comment
    answer.full_clean()
    answer.save()
    answer.categories.set(categories)
    return answer
