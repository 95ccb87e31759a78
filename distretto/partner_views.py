"""The partner directory and a partner's public page (/partner/).

They show organisations with their services and the agreements they signed, so they live
in the composition layer, above partners, services and agreements.
"""

from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from agreements.models import Signature
from common.forms import page_number
from common.page_cache import CachedCountPaginator, cache_public_page, content_cache_key
from partners.filters import OrganizationFilterSet
from partners.models import Certification, Organization
from services.models import WelfareService
from services.rules import visibility_key

PAGE_SIZE = 20
# A partner's page lists its services a page at a time: a large provider offers thousands.
SERVICES_PAGE_SIZE = 24


def directory_queryset():
    """Public organisations with their current Family Audit phase (or None)."""
    return (
        Organization.objects.public()
        .with_current_phase()
        .only("name", "short_name", "slug", "kind", "role", "area", "membership_status")
        .order_by("name")
    )


def visible_service_counts(user, organizations):
    """{organization id: number of its services the user may see}, in one query."""
    return dict(
        WelfareService.objects.visible_to(user)
        .filter(provider__in=[organization.pk for organization in organizations])
        .order_by()
        .values_list("provider")
        .annotate(total=Count("pk"))
    )


@require_safe
@cache_public_page
def organization_list(request):
    filterset = OrganizationFilterSet(request.GET or None, queryset=directory_queryset())
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page_obj = paginator.get_page(page_number(request.GET))
    organizations = list(page_obj.object_list)
    counts = visible_service_counts(request.user, organizations)
    phases = dict(Certification.Phase.choices)
    for organization in organizations:
        organization.service_count = counts.get(organization.pk, 0)
        organization.current_phase_label = phases.get(organization.current_phase, "")
    return render(
        request,
        "partners/organization_list.html",
        {
            "filterset": filterset,
            "page_obj": page_obj,
            "organizations": organizations,
            "is_filtered": bool(filterset.is_bound and filterset.form.has_changed()),
        },
    )


@require_safe
@cache_public_page
def organization_detail(request, slug):
    """A partner's public profile; applicants and former members are not public (404)."""
    organization = get_object_or_404(Organization.objects.public(), slug=slug)
    # Sorted here, not by the database, so that undated steps sort last on every backend.
    certifications = sorted(
        organization.certifications.with_expiry(),
        key=lambda c: (c.granted_on or c.registered_on or date.min, c.pk),
        reverse=True,
    )
    current = (
        Certification.objects.current().with_expiry().filter(organization=organization).first()
    )
    signatures = list(
        Signature.objects.filter(organization=organization, agreement__is_public=True)
        .select_related("agreement")
        .order_by("-signed_on", "-pk")
    )
    services = (
        WelfareService.objects.visible_to(request.user)
        .filter(provider=organization)
        .select_related("category")
        .only("title", "slug", "summary", "category__name")
        .order_by("title", "pk")
    )
    paginator = CachedCountPaginator(
        services,
        SERVICES_PAGE_SIZE,
        count_key=("partner-services", organization.pk, visibility_key(request.user)),
    )
    page_obj = paginator.get_page(page_number(request.GET))
    return render(
        request,
        "partners/organization_detail.html",
        {
            "organization": organization,
            "certifications": certifications,
            "current_certification": current,
            "signatures": signatures,
            "services": page_obj.object_list,
            "services_page": page_obj,
            "content_cache_key": content_cache_key(request, visibility_key(request.user)),
        },
    )
