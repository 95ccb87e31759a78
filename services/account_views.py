"""A person's own use of the catalogue: requests to providers and the list of saved services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from common.forms import local_next, page_number
from partners.access import require_login
from services import actions
from services.access import get_service_for_request, get_visible_service
from services.forms import ServiceRequestForm
from services.models import SavedService, ServiceRequest, WelfareService
from services.rules import requests_closed_reason

PAGE_SIZE = 20


def _back(request, default: str):
    """Back to a local `next` address (e.g. the list the button was in) or `default`."""
    return redirect(local_next(request, request.POST) or default)


@require_POST
@require_login
def service_request(request, slug):
    """Send an interest or booking request: only verified employees who may see the service."""
    service, organization = get_service_for_request(request.user, slug)
    form = ServiceRequestForm(request.POST)
    if form.is_valid():
        try:
            actions.service_request_send(
                service=service,
                organization=organization,
                kind=form.cleaned_data["kind"],
                message=form.cleaned_data["message"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your request has been sent to %(provider)s. You will get their answer "
                    "by e-mail and can follow it here."
                )
                % {"provider": service.provider.name},
            )
            return redirect("services:my-requests")
    # The form lives on the service page; errors get a page of their own to be fixed.
    return render(
        request,
        "services/request_form.html",
        {
            "service": service,
            "form": form,
            "requester_organization": organization,
            "requests_closed": requests_closed_reason(service),
        },
        status=400,
    )


@require_safe
@require_login
def my_requests(request):
    requests = (
        ServiceRequest.objects.filter(requester=request.user)
        .select_related("service", "service__provider", "requester_organization")
        .order_by("-created_at", "-pk")
    )
    visible = WelfareService.objects.visible_to(request.user).filter(pk=OuterRef("service_id"))
    requests = requests.annotate(service_visible=Exists(visible))
    page_obj = Paginator(requests, PAGE_SIZE).get_page(page_number(request.GET))
    return render(
        request,
        "services/my_requests.html",
        {"page_obj": page_obj, "service_requests": page_obj.object_list},
    )


@require_safe
@require_login
def saved_list(request):
    visible = WelfareService.objects.visible_to(request.user)
    saved = (
        SavedService.objects.filter(user=request.user, service__in=visible)
        .select_related("service", "service__provider", "service__category")
        .order_by("-saved_at", "-pk")
    )
    hidden_count = (
        SavedService.objects.filter(user=request.user).exclude(service__in=visible).count()
    )
    page_obj = Paginator(saved, PAGE_SIZE).get_page(page_number(request.GET))
    return render(
        request,
        "services/saved_list.html",
        {
            "page_obj": page_obj,
            "saved_services": page_obj.object_list,
            "hidden_count": hidden_count,
        },
    )


@require_POST
@require_login
def service_save(request, slug):
    service = get_visible_service(request.user, slug)
    actions.service_save(service=service, actor=request.user)
    messages.success(
        request, _("“%(title)s” is in your saved services.") % {"title": service.title}
    )
    return _back(request, service.get_absolute_url())


@require_POST
@require_login
def service_unsave(request, slug):
    # Also works for a service that is no longer visible: people can always tidy their list.
    saved = get_object_or_404(
        SavedService.objects.select_related("service"), user=request.user, service__slug=slug
    )
    service = saved.service
    actions.service_unsave(service=service, actor=request.user)
    messages.success(
        request,
        _("“%(title)s” has been removed from your saved services.") % {"title": service.title},
    )
    return _back(request, reverse("services:saved-list"))


def _own_request(request, pk) -> ServiceRequest:
    return get_object_or_404(ServiceRequest, pk=pk, requester=request.user)


@require_POST
@require_login
def request_withdraw(request, pk):
    """The person takes back a request still awaiting an answer; its place goes to the next."""
    service_request = _own_request(request, pk)
    try:
        actions.service_request_withdraw(service_request=service_request, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("services:my-requests")


@require_POST
@require_login
def place_confirm(request, pk):
    """The person offered a freed place takes it."""
    service_request = _own_request(request, pk)
    try:
        actions.place_offer_confirm(service_request=service_request, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The place is yours."))
    return redirect("services:my-requests")
