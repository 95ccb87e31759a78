"""What a person can do on a service page: save it, send a request, or log in first."""

from django import template

from services.forms import ServiceRequestForm
from services.models import SavedService, ServiceRequest
from services.rules import requester_organization, requests_closed_reason

register = template.Library()


@register.simple_tag(takes_context=True)
def service_actions_state(context, service):
    """The state behind templates/services/_service_actions.html, in at most four queries.

    The page has already checked that the user may see the service.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"authenticated": False}
    organization = requester_organization(user, service)
    open_request = None
    if organization is not None:
        open_request = (
            ServiceRequest.objects.filter(
                service=service, requester=user, status=ServiceRequest.Status.OPEN
            )
            .order_by("-created_at")
            .first()
        )
    return {
        "authenticated": True,
        "saved": SavedService.objects.filter(user=user, service=service).exists(),
        "may_request": organization is not None,
        "requests_closed": requests_closed_reason(service) if organization is not None else None,
        "requester_organization": organization,
        "open_request": open_request,
        "form": ServiceRequestForm(auto_id="request_%s"),
    }
