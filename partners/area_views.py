"""The referents' partner area under /area-partner/.

Every view acts for `request.organization`, set by `require_referent` from the session and
checked against the user's current referent affiliations. Objects are always looked up
within that organisation, so another organisation's service, request or person is a 404.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.forms import local_next
from partners import actions as partner_actions
from partners.access import (
    forbidden,
    is_coordinator,
    referent_organizations,
    require_login,
    require_referent,
    set_current_organization,
)
from partners.forms import OrganizationProfileForm
from partners.models import Affiliation, Certification
from services import actions as service_actions
from services.access import get_service_for_editing, get_service_for_preview
from services.forms import ServiceForm, ServiceRequestAnswerForm
from services.models import ServiceRequest, WelfareService

PAGE_SIZE = 20
# A published service not confirmed for this long is flagged for a check.
VERIFY_AFTER = timedelta(days=180)
# A certification expiring within this period is flagged on the dashboard.
EXPIRY_WARNING = timedelta(days=90)


def _next_url(request, default: str) -> str:
    """Where to go back after a POST: a local `next` field, or `default`."""
    return local_next(request, request.POST) or local_next(request, request.GET) or default


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _needs_verification_q(today):
    """Published services whose information nobody confirmed for a while."""
    limit = today - VERIFY_AFTER
    return Q(status=WelfareService.Status.PUBLISHED) & (
        Q(last_verified_on__lt=limit)
        | Q(last_verified_on__isnull=True, published_at__date__lt=limit)
    )


# --- Dashboard and organisation -------------------------------------------------------------


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
        to_verify=Count("pk", filter=_needs_verification_q(today)),
    )
    open_requests = ServiceRequest.objects.filter(
        service__provider=organization, status=ServiceRequest.Status.OPEN
    ).select_related("service", "requester", "requester_organization")
    open_request_count = open_requests.count()
    pending_affiliation_count = (
        Affiliation.objects.pending().filter(organization=organization).count()
    )
    certification = (
        Certification.objects.filter(organization=organization)
        .order_by(Coalesce("granted_on", "registered_on").desc(nulls_last=True), F("pk").desc())
        .first()
    )
    certification_warning = ""
    if certification and certification.expires_on:
        if certification.expires_on < today:
            certification_warning = "expired"
        elif certification.expires_on - today <= EXPIRY_WARNING:
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


@require_http_methods(["GET", "HEAD", "POST"])
@require_referent
def organization_edit(request):
    organization = request.organization
    if request.method == "POST":
        form = OrganizationProfileForm(request.POST, request.FILES, instance=organization)
        if form.is_valid():
            partner_actions.organization_update_profile(
                organization=organization, data=form.cleaned_data, actor=request.user
            )
            messages.success(request, _("The public profile has been saved."))
            return redirect("area:organization-edit")
        # The bound form put the rejected values on the instance: show the stored ones.
        organization.refresh_from_db()
    else:
        form = OrganizationProfileForm(instance=organization)
    return render(request, "area/organization_form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@require_login
def organization_switch(request):
    """Pick the organisation to work for, among those the user is currently referent of."""
    organizations = list(referent_organizations(request.user).order_by("name"))
    if not organizations:
        return forbidden(request)
    next_url = _next_url(request, reverse("area:dashboard"))
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("organization", "")
        match = next((o for o in organizations if str(o.pk) == chosen), None)
        if match is not None:
            set_current_organization(request, match)
            messages.success(request, _("You are now working for %(name)s.") % {"name": match.name})
            return redirect(next_url)
        error = _("Choose one of your organisations.")
    return render(
        request,
        "area/organization_switch.html",
        {
            "organizations": organizations,
            "current_id": request.session.get("area_organization_id"),
            "next_url": next_url,
            "error": error,
        },
        status=400 if error else 200,
    )


# --- Services -------------------------------------------------------------------------------

SERVICE_STATUS_FILTERS = dict(WelfareService.Status.choices)


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
    status = request.GET.get("status", "")
    if status in SERVICE_STATUS_FILTERS:
        services = services.filter(status=status)
    else:
        status = ""
    to_verify = request.GET.get("to_verify") == "1"
    if to_verify:
        services = services.filter(_needs_verification_q(today))
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        services = services.filter(title__icontains=query)
    page_obj = _page(request, services)
    limit = today - VERIFY_AFTER
    for service in page_obj.object_list:
        checked = service.last_verified_on or (
            service.published_at and timezone.localtime(service.published_at).date()
        )
        service.needs_verification = (
            service.status == WelfareService.Status.PUBLISHED and bool(checked) and checked < limit
        )
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
    if not is_coordinator(user) and not referent_organizations(user).exists():
        return forbidden(request)
    service = get_service_for_preview(user, slug)
    eligible_organizations = []
    if service.eligibility == WelfareService.Eligibility.CHOSEN_PARTNERS:
        eligible_organizations = list(service.eligible_organizations.order_by("name"))
    return render(
        request,
        "area/service_preview.html",
        {
            "service": service,
            "preview": True,
            "may_edit": referent_organizations(user).filter(pk=service.provider_id).exists(),
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
        messages.error(request, _error_text(error))
    else:
        messages.success(request, success_message % {"title": service.title})
    return redirect(_next_url(request, reverse("area:service-list")))


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

REQUEST_STATUS_FILTERS = dict(ServiceRequest.Status.choices)


@require_safe
@require_referent
def request_list(request):
    requests = (
        ServiceRequest.objects.filter(service__provider=request.organization)
        .select_related("service", "requester", "requester_organization", "answered_by")
        .order_by("-created_at", "-pk")
    )
    status = request.GET.get("status", ServiceRequest.Status.OPEN)
    if status == "all":
        pass
    elif status in REQUEST_STATUS_FILTERS:
        requests = requests.filter(status=status)
    else:
        status = ServiceRequest.Status.OPEN
        requests = requests.filter(status=status)
    page_obj = _page(request, requests)
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


# --- People ---------------------------------------------------------------------------------


@require_safe
@require_referent
def member_list(request):
    organization = request.organization
    members = (
        Affiliation.objects.current()
        .filter(organization=organization)
        .select_related("user")
        .order_by(
            # Referents first, then everybody by e-mail address.
            F("role").desc(),
            "user__email",
            "pk",
        )
    )
    role = request.GET.get("role", "")
    if role in Affiliation.Role.values:
        members = members.filter(role=role)
    else:
        role = ""
    pending = (
        Affiliation.objects.pending()
        .filter(organization=organization)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    pending_page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("pending_page"))
    page_obj = _page(request, members)
    referent_count = Affiliation.objects.referents().filter(organization=organization).count()
    return render(
        request,
        "area/member_list.html",
        {
            "page_obj": page_obj,
            "members": page_obj.object_list,
            "pending_page": pending_page,
            "pending": pending_page.object_list,
            "referent_count": referent_count,
            "role": role,
            "role_choices": Affiliation.Role.choices,
        },
    )


def _member(request, pk, **filters):
    return get_object_or_404(
        Affiliation.objects.select_related("user", "organization"),
        pk=pk,
        organization=request.organization,
        **filters,
    )


def _run(request, action, affiliation, success_message, **kwargs):
    try:
        action(affiliation=affiliation, actor=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return False
    except PermissionDenied as error:
        # The session's organisation is re-checked per request, so this is a race at most.
        raise Http404 from error
    messages.success(request, success_message % {"person": affiliation.user.email})
    return True


@require_POST
@require_referent
def member_promote(request, pk):
    affiliation = _member(request, pk, status=Affiliation.Status.ACTIVE)
    _run(
        request,
        partner_actions.referent_promote,
        affiliation,
        _("%(person)s is now a referent of your organisation."),
    )
    return redirect(_next_url(request, reverse("area:member-list")))


@require_POST
@require_referent
def member_demote(request, pk):
    affiliation = _member(request, pk, status=Affiliation.Status.ACTIVE)
    done = _run(
        request,
        partner_actions.referent_demote,
        affiliation,
        _("%(person)s is no longer a referent of your organisation."),
    )
    if done and affiliation.user_id == request.user.pk:
        # Those who step down themselves have left the partner area of this organisation.
        return redirect("home")
    return redirect(_next_url(request, reverse("area:member-list")))


@require_POST
@require_referent
def affiliation_approve(request, pk):
    affiliation = _member(request, pk, status=Affiliation.Status.PENDING)
    _run(
        request,
        partner_actions.affiliation_approve,
        affiliation,
        _("%(person)s is now a verified employee of your organisation."),
    )
    return redirect(_next_url(request, reverse("area:member-list")))


@require_POST
@require_referent
def affiliation_reject(request, pk):
    affiliation = _member(request, pk, status=Affiliation.Status.PENDING)
    reason = request.POST.get("reason", "").strip()
    _run(
        request,
        partner_actions.affiliation_reject,
        affiliation,
        _("The request of %(person)s has been rejected."),
        reason=reason,
    )
    return redirect(_next_url(request, reverse("area:member-list")))
