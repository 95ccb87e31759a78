from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from agreements.models import Signature
from services.models import WelfareService

from .filters import OrganizationFilterSet
from .models import Certification, Organization

PAGE_SIZE = 20

CURRENT_CERTIFICATION_STATUSES = [Certification.Status.IN_PROGRESS, Certification.Status.VALID]


def current_certifications():
    """Open certifications, most recent first: the first per organisation is its phase."""
    return Certification.objects.filter(status__in=CURRENT_CERTIFICATION_STATUSES).order_by(
        Coalesce("granted_on", "registered_on").desc(nulls_last=True), F("pk").desc()
    )


def directory_queryset():
    """Public organisations with their current Family Audit phase (or None)."""
    phase = current_certifications().filter(organization=OuterRef("pk")).values("phase")[:1]
    return (
        Organization.objects.public()
        .annotate(current_phase=Subquery(phase))
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
def organization_list(request):
    filterset = OrganizationFilterSet(request.GET or None, queryset=directory_queryset())
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
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
def organization_detail(request, slug):
    """A partner's public profile; applicants and former members are not public (404)."""
    organization = get_object_or_404(Organization.objects.public(), slug=slug)
    # Sorted here, not by the database, so that undated steps sort last on every backend.
    certifications = sorted(
        organization.certifications.all(),
        key=lambda c: (c.granted_on or c.registered_on or date.min, c.pk),
        reverse=True,
    )
    current = next((c for c in certifications if c.status in CURRENT_CERTIFICATION_STATUSES), None)
    signatures = list(
        Signature.objects.filter(organization=organization, agreement__is_public=True)
        .select_related("agreement")
        .order_by("-signed_on", "-pk")
    )
    services = list(
        WelfareService.objects.visible_to(request.user)
        .filter(provider=organization)
        .select_related("category")
        .order_by("title")
    )
    return render(
        request,
        "partners/organization_detail.html",
        {
            "organization": organization,
            "certifications": certifications,
            "current_certification": current,
            "signatures": signatures,
            "services": services,
        },
    )
