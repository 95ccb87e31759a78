"""The partner area's screens for services and requests (under /area-partner/).

Every view acts for `request.organization`, set by `require_referent` from the session and
checked against the user's current referent affiliations. Objects are always looked up
within that organisation, so another organisation's service or request is a 404. The URL
names live in the `area` namespace assembled in distretto/area_urls.py.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partners.access import (
    current_organization_or_none,
    error_text,
    forbidden,
    page_of,
    require_login,
    require_referent,
    safe_next_url,
)
from partners.models import Affiliation, Certification
from services import actions as service_actions
from services.access import get_service_for_editing, get_service_for_preview
from services.forms import ServiceForm, ServiceRequestAnswerForm
from services.models import ServiceRequest, WelfareService
from services.rules import may_preview_services

# --- Dashboard ------------------------------------------------------------------------------


@require_safe
@require_referent
def dashboard(request):
    organization = request.organization
    today = timezone.localdate()
    service_counts = WelfareService.objects.filter(provider=organization).aggregate(
        total=Count("pk"),
        draft=Count("pk", filter=Q(status=WelfareService.Status.DRAFT)),
        published=Count("pk", filter=Q(status=WelfareService.Status.PUBLISHED)),
        archived=Count("pk", filter=Q(status=WelfareService.Status.ARCHIVED)),
        to_verify=Count("pk", filter=Q(pk__in=WelfareService.objects.needing_check(today))),
    )
    open_requests = ServiceRequest.objects.filter(
        service__provider=organization, status=ServiceRequest.Status.OPEN
    ).select_related("service", "requester", "requester_organization")
    open_request_count = open_requests.count()
    pending_affiliation_count = (
        Affiliation.objects.pending().filter(organization=organization).count()
    )
    certification = (
        Certification.objects.current().with_expiry(today).filter(organization=organization).first()
    )
    certification_warning = ""
    if certification and certification.has_expired:
        certification_warning = "expired"
    elif certification and certification.expires_soon:
        certification_warning = "expiring"
    return render(
        request,
        "area/dashboard.html",
        {
            "service_counts": service_counts,
            "open_request_count": open_request_count,
            "recent_requests": list(open_requests[:5]),
            "pending_affiliation_count": pending_affiliation_count,
            "certification": certification,
            "certification_warning": certification_warning,
            "today": today,
        },
    )


# --- Services -------------------------------------------------------------------------------


class AreaServiceFilterForm(forms.Form):
    """The service list's filters; a value that does not fit is ignored, never an error."""

    status = forms.ChoiceField(
        required=False, choices=[("", gettext_lazy("Any status")), *WelfareService.Status.choices]
    )
    to_verify = forms.BooleanField(required=False)
    q = forms.CharField(required=False, max_length=100)

    def chosen(self) -> tuple[str, bool, str]:
        if not self.is_valid():
            return "", False, ""
        data = self.cleaned_data
        return data["status"], data["to_verify"], " ".join(data["q"].split())


@require_safe
@require_referent
def service_list(request):
    organization = request.organization
    today = timezone.localdate()
    services = (
        WelfareService.objects.filter(provider=organization)
        .select_related("category")
        .annotate(
            open_requests=Count("requests", filter=Q(requests__status=ServiceRequest.Status.OPEN))
        )
        .defer("description", "cost_conditions")
        .order_by("title", "pk")
    )
    filters = AreaServiceFilterForm(request.GET)
    status, to_verify, query = filters.chosen()
    if status:
        services = services.filter(status=status)
    if to_verify:
        services = services.needing_check(today)
    if query:
        services = services.filter(title__icontains=query)
    page_obj = page_of(request, services.with_needs_check(today))
    return render(
        request,
        "area/service_list.html",
        {
            "page_obj": page_obj,
            "services": page_obj.object_list,
            "status": status,
            "status_choices": WelfareService.Status.choices,
            "to_verify": to_verify,
            "query": query,
            "filtered": bool(status or to_verify or query),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_referent
def service_create(request):
    organization = request.organization
    if request.method == "POST":
        form = ServiceForm(request.POST, request.FILES, organization=organization)
        if form.is_valid():
            service = service_actions.service_create(
                organization=organization, data=form.cleaned_data, actor=request.user
            )
            messages.success(
                request,
                _("The draft has been saved. Check the preview, then publish it when ready."),
            )
            return redirect("area:service-preview", slug=service.slug)
    else:
        form = ServiceForm(organization=organization)
    return render(request, "area/service_form.html", {"form": form, "service": None})


@require_http_methods(["GET", "HEAD", "POST"])
@require_referent
def service_edit(request, slug):
    service = get_service_for_editing(request.user, request.organization, slug)
    if request.method == "POST":
        form = ServiceForm(
            request.POST, request.FILES, instance=service, organization=request.organization
        )
        if form.is_valid():
            service_actions.service_update(
                service=service, data=form.cleaned_data, actor=request.user
            )
            messages.success(request, _("The changes have been saved."))
            return redirect("area:service-preview", slug=service.slug)
        # The bound form put the rejected values on the instance: show the stored ones.
        service = get_service_for_editing(request.user, request.organization, slug)
    else:
        form = ServiceForm(instance=service, organization=request.organization)
    return render(request, "area/service_form.html", {"form": form, "service": service})


@require_safe
@require_login
def service_preview(request, slug):
    """A service in any state, as it will look: for its referents and the coordinator."""
    user = request.user
    if not may_preview_services(user):
        return forbidden(request)
    service = get_service_for_preview(user, slug)
    # Editing happens for the organisation the referent is working for in this session.
    working_for = current_organization_or_none(request)
    eligible_organizations = []
    if service.eligibility == WelfareService.Eligibility.CHOSEN_PARTNERS:
        eligible_organizations = list(service.eligible_organizations.order_by("name"))
    return render(
        request,
        "area/service_preview.html",
        {
            "service": service,
            "preview": True,
            "may_edit": working_for is not None and working_for.pk == service.provider_id,
            "eligible_organizations": eligible_organizations,
            "available_now": service.is_available(),
            "today": timezone.localdate(),
            "booking_url": service.booking_url,
            "provider_website": service.provider.website,
        },
    )


def _change_service(request, slug, action, success_message):
    """Run a state change on one of the organisation's services and go back."""
    service = get_service_for_editing(request.user, request.organization, slug)
    try:
        action(service=service, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, success_message % {"title": service.title})
    return redirect(safe_next_url(request, reverse("area:service-list")))


@require_POST
@require_referent
def service_publish(request, slug):
    return _change_service(
        request,
        slug,
        service_actions.service_publish,
        _("“%(title)s” is now published in the catalogue."),
    )


@require_POST
@require_referent
def service_archive(request, slug):
    return _change_service(
        request,
        slug,
        service_actions.service_archive,
        _("“%(title)s” has been archived: it is no longer in the catalogue."),
    )


@require_POST
@require_referent
def service_confirm(request, slug):
    return _change_service(
        request,
        slug,
        service_actions.service_confirm_valid,
        _("Thank you: “%(title)s” is confirmed as still valid today."),
    )


@require_POST
@require_referent
def service_duplicate(request, slug):
    service = get_service_for_editing(request.user, request.organization, slug)
    copy = service_actions.service_duplicate(service=service, actor=request.user)
    messages.success(
        request,
        _("A draft copy of “%(title)s” has been created: change what differs and publish it.")
        % {"title": service.title},
    )
    return redirect("area:service-edit", slug=copy.slug)


# --- Requests from employees ----------------------------------------------------------------


class RequestFilterForm(forms.Form):
    """Which requests to list: open ones unless another status (or "all") is chosen."""

    status = forms.ChoiceField(
        required=False, choices=[("all", "all"), *ServiceRequest.Status.choices]
    )

    def chosen(self) -> str:
        if self.is_valid() and self.cleaned_data["status"]:
            return self.cleaned_data["status"]
        return ServiceRequest.Status.OPEN


@require_safe
@require_referent
def request_list(request):
    requests = (
        ServiceRequest.objects.filter(service__provider=request.organization)
        .select_related("service", "requester", "requester_organization", "answered_by")
        .order_by("-created_at", "-pk")
    )
    status = RequestFilterForm(request.GET).chosen()
    if status != "all":
        requests = requests.filter(status=status)
    page_obj = page_of(request, requests)
    return render(
        request,
        "area/request_list.html",
        {
            "page_obj": page_obj,
            "service_requests": page_obj.object_list,
            "status": status,
            "status_choices": ServiceRequest.Status.choices,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_referent
def request_answer(request, pk):
    service_request = get_object_or_404(
        ServiceRequest.objects.select_related(
            "service", "requester", "requester_organization", "answered_by"
        ),
        pk=pk,
        service__provider=request.organization,
    )
    if request.method == "POST":
        form = ServiceRequestAnswerForm(request.POST)
        if form.is_valid():
            try:
                service_actions.service_request_answer(
                    service_request=service_request,
                    status=form.cleaned_data["status"],
                    answer=form.cleaned_data["answer"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your answer has been sent by e-mail."))
                return redirect("area:request-list")
    else:
        initial = {}
        if service_request.status != ServiceRequest.Status.OPEN:
            initial = {"status": service_request.status, "answer": service_request.answer}
        form = ServiceRequestAnswerForm(initial=initial)
    return render(
        request,
        "area/request_answer.html",
        {"service_request": service_request, "form": form},
    )
