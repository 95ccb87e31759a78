"""Loading services for people who act on them.

Published services are seen through `WelfareService.objects.visible_to(user)`; drafts and
archived services only through the helpers here. Another organisation's service is a 404
(never a 403), so nobody learns that it exists.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from partners.access import is_coordinator, referent_organizations
from partners.models import Affiliation, Organization
from services.models import WelfareService


def get_service_for_editing(user, organization: Organization, slug: str) -> WelfareService:
    """A service of `organization`, which `user` must currently be a referent of; else 404."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        WelfareService.objects.select_related("provider", "category"),
        slug=slug,
        provider=organization,
        provider__membership_status=Organization.MembershipStatus.ACTIVE,
        provider__affiliations__user=user,
        provider__affiliations__role=Affiliation.Role.REFERENT,
        provider__affiliations__status=Affiliation.Status.ACTIVE,
    )


def get_service_for_preview(user, slug: str) -> WelfareService:
    """Any state of a service, for the coordinator or a current referent of its provider."""
    if not user.is_authenticated:
        raise Http404
    services = WelfareService.objects.select_related("provider", "category")
    if not is_coordinator(user):
        services = services.filter(provider__in=referent_organizations(user))
    return get_object_or_404(services, slug=slug)


def requester_affiliations(user):
    """The user's current affiliations to active organisations: who may send requests."""
    if not user.is_authenticated:
        return Affiliation.objects.none()
    return (
        Affiliation.objects.current()
        .filter(user=user, organization__membership_status=Organization.MembershipStatus.ACTIVE)
        .select_related("organization")
        .order_by("organization__name")
    )


def requester_organization(user, service: WelfareService) -> Organization | None:
    """The organisation a request is sent on behalf of, or None if the user may not send one.

    For a service reserved to chosen partners it is one of those partners, so the provider
    sees why the person is entitled to it.
    """
    affiliations = list(requester_affiliations(user))
    if not affiliations:
        return None
    if service.eligibility == WelfareService.Eligibility.CHOSEN_PARTNERS:
        eligible = set(service.eligible_organizations.values_list("pk", flat=True))
        for affiliation in affiliations:
            if affiliation.organization_id in eligible:
                return affiliation.organization
    return affiliations[0].organization


def get_service_for_request(user, slug: str) -> tuple[WelfareService, Organization]:
    """A service the user may send a request about, and the organisation they send it for.

    Not visible to the user -> 404; visible but the user is no verified employee or
    referent of an active partner (e.g. a visitor with an account) -> 403.
    """
    service = get_object_or_404(
        WelfareService.objects.visible_to(user).select_related("provider"), slug=slug
    )
    organization = requester_organization(user, service)
    if organization is None:
        raise PermissionDenied
    return service, organization


def get_visible_service(user, slug: str) -> WelfareService:
    return get_object_or_404(
        WelfareService.objects.visible_to(user).select_related("provider"), slug=slug
    )
