"""Loading services for people who act on them, as HTTP answers.

The rules are in services.rules and `WelfareService.objects.visible_to`; this module only
turns them into answers: another organisation's service is a 404 (never a 403), so nobody
learns that it exists.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from partners.models import Organization
from services.models import WelfareService
from services.rules import editable_services, previewable_services, requester_organization


def get_service_for_editing(user, organization: Organization, slug: str) -> WelfareService:
    """A service of `organization`, which `user` must currently be a referent of; else 404."""
    return get_object_or_404(
        editable_services(user, organization).select_related("provider", "category"), slug=slug
    )


def get_service_for_preview(user, slug: str) -> WelfareService:
    """Any state of a service, for the coordinator or a current referent of its provider."""
    return get_object_or_404(
        previewable_services(user).select_related("provider", "category"), slug=slug
    )


def get_visible_service(user, slug: str) -> WelfareService:
    """A published service the user may see; else 404."""
    return get_object_or_404(
        WelfareService.objects.visible_to(user).select_related("provider"), slug=slug
    )


def get_service_for_request(user, slug: str) -> tuple[WelfareService, Organization]:
    """A service the user may send a request about, and the organisation they send it for.

    Not visible to the user -> 404; visible but the user belongs to no active partner
    (e.g. a visitor with an account, or the coordinator) -> 403.
    """
    service = get_visible_service(user, slug)
    organization = requester_organization(user, service)
    if organization is None:
        raise PermissionDenied
    return service, organization
