"""Who may do what with a welfare service, each rule stated once.

Who may *see* a service is `WelfareService.objects.visible_to(user)`; whether a published
service *needs checking* is `WelfareService.objects.needing_check()`. The rules here build
on partners.rules (coordinator, referent of, member of an active partner).
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import formats
from django.utils.translation import gettext as _

from partners.models import Organization
from partners.rules import is_coordinator, is_referent, member_affiliations, referent_organizations
from services.models import ServiceRequest, WelfareService


def requester_organization(user, service: WelfareService) -> Organization | None:
    """A person may request a service when they belong to an active partner; they request it
    for that organisation (for a service reserved to chosen partners, for one of those).

    Returns None when the person may not send a request (this is the "may request" rule).
    The caller has already checked that the person may see the service.
    """
    affiliations = list(
        member_affiliations(user).select_related("organization").order_by("organization__name")
    )
    if not affiliations:
        return None
    if service.eligibility == WelfareService.Eligibility.CHOSEN_PARTNERS:
        eligible = set(service.eligible_organizations.values_list("pk", flat=True))
        for affiliation in affiliations:
            if affiliation.organization_id in eligible:
                return affiliation.organization
    return affiliations[0].organization


def visibility_key(user) -> str:
    """What decides which services a person sees, as a short text (for cache keys).

    `WelfareService.objects.visible_to(user)` gives the same services to everyone with the
    same key: "public" for visitors and people who belong to no active partner, "all" for
    the coordinator, "members:<ids>" for the members of those active organisations. Asked
    once per request: the answer is kept on the user object.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return "public"
    if is_coordinator(user):
        return "all"
    key = getattr(user, "_services_visibility_key", None)
    if key is None:
        ids = sorted(set(member_affiliations(user).values_list("organization_id", flat=True)))
        key = "members:" + ",".join(map(str, ids)) if ids else "public"
        user._services_visibility_key = key
    return key


def requests_closed_reason(service: WelfareService) -> str | None:
    """Why nobody can send a request about this service any more, or None when they can.

    An ended service (`WelfareService.objects.ended()`, `service.has_ended()`) takes no more
    requests: the service page says so instead of showing the form, and the action refuses.
    """
    if service.has_ended():
        return _(
            "This service ended on %(date)s: it can no longer be requested. The provider may "
            "publish it again for a new period."
        ) % {"date": formats.date_format(service.available_until, "DATE_FORMAT")}
    return None


def may_preview_services(user) -> bool:
    """Previews of services in any state are for the coordinator and current referents."""
    return is_coordinator(user) or is_referent(user)


def previewable_services(user):
    """Services in any state a person may preview: all for the coordinator, those of the
    organisations they are referent of for a referent, none for anybody else."""
    services = WelfareService.objects.all()
    if is_coordinator(user):
        return services
    return services.filter(provider__in=referent_organizations(user))


def editable_services(user, organization: Organization):
    """Services a person may edit while acting for `organization`: that organisation's own,
    when the person is one of its current referents (an active member)."""
    return WelfareService.objects.filter(
        provider=organization, provider__in=referent_organizations(user)
    )


@dataclass(frozen=True)
class BookingProgress:
    """How close a service with a minimum or places is to running, without any name."""

    minimum: int | None
    capacity: int | None
    held: int  # bookings holding a place
    waiting: int  # bookings on the waiting list
    minimum_reached: bool
    not_running: bool

    @property
    def missing(self) -> int:
        """Bookings still needed for the minimum (0 once reached or without one)."""
        if self.minimum is None:
            return 0
        return max(self.minimum - self.held, 0)

    @property
    def remaining(self) -> int | None:
        """Places left (None: no limit)."""
        return None if self.capacity is None else max(self.capacity - self.held, 0)


def booking_progress(service: WelfareService) -> BookingProgress | None:
    """The service's bookings against its minimum and places, in one query (None when it
    has neither)."""
    if not service.counts_places:
        return None
    counts = ServiceRequest.objects.filter(service=service).aggregate(
        held=Count("pk", filter=Q(pk__in=ServiceRequest.objects.holding_places().values("pk"))),
        waiting=Count(
            "pk",
            filter=Q(place=ServiceRequest.Place.WAITING, status=ServiceRequest.Status.OPEN),
        ),
    )
    return BookingProgress(
        minimum=service.minimum_participants,
        capacity=service.capacity,
        held=counts["held"],
        waiting=counts["waiting"],
        minimum_reached=service.minimum_reached_at is not None,
        not_running=service.not_running_since is not None,
    )
