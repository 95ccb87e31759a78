import unicodedata
from urllib.parse import urljoin

from django.conf import settings
from django.db.models import CharField, F, IntegerField, Value
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from common.forms import page_number
from common.page_cache import (
    CachedCountPaginator,
    cache_public_page,
    content_cache_key,
    content_facts,
    keep_content_facts,
)

from .filters import ServiceFilterSet
from .models import Audience, WelfareService
from .rules import booking_progress, visibility_key
from .search import clean_query

PAGE_SIZE = 20
SUGGESTIONS = 10


def _sees_reserved_services(user) -> bool:
    """Whether `visible_to(user)` already includes services reserved to partners' employees
    (members of an active partner, the coordinator): nobody tells them to log in for more.
    Read from the person's visibility, asked once per request."""
    return visibility_key(user) != "public"


def _web_link(url):
    """Only http(s) addresses become links: never `javascript:` or other schemes."""
    return url if url.lower().startswith(("https://", "http://")) else ""


@require_safe
@cache_public_page
def service_list(request):
    """The catalogue: the services the user may see, filtered by the query string.

    A signed-in person whose page content is in the cache (common.page_cache) gets it without
    the filters, the query and the paginator being built again: only what the page shows
    around the content (its title's page number, whether filters are on) is kept with it.
    """
    content_key = content_cache_key(request, visibility_key(request.user))
    facts = content_facts(request, content_key)
    if facts is not None:
        return render(
            request,
            "services/service_list.html",
            facts | {"content_cache_key": content_key},
        )
    visible = WelfareService.objects.visible_to(request.user)
    filterset = ServiceFilterSet(request.GET, queryset=visible, request=request)
    results = filterset.qs.select_related("provider", "category").defer(
        "description", "cost_conditions"
    )
    paginator = CachedCountPaginator(results, PAGE_SIZE, count_key=filterset.count_key())
    page_obj = paginator.get_page(page_number(request.GET))
    active_filters = filterset.active_filters(request.GET)
    count = paginator.count
    response = render(
        request,
        "services/service_list.html",
        {
            "filterset": filterset,
            "page_obj": page_obj,
            "services": page_obj.object_list,
            "result_count_text": ngettext(
                "%(count)s service found", "%(count)s services found", count
            )
            % {"count": number_format(count, force_grouping=True)},
            "active_filters": active_filters,
            "clear_all_query": filterset.unfiltered_query(request.GET),
            "today": timezone.localdate(),
            "content_cache_key": content_key,
            "sees_reserved": _sees_reserved_services(request.user),
        },
    )
    # What base.html and the title, canonical and head blocks read outside the content.
    keep_content_facts(
        content_key,
        {"page_obj": {"number": page_obj.number}, "active_filters": bool(active_filters)},
    )
    return response


def _folded(text: str) -> str:
    """Lowercase, without accents: "Università" and "universita" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@require_safe
def provider_suggestions(request):
    """The catalogue's provider type-ahead: providers of services the person may see whose
    name holds every typed word (names starting with them first), at most SUGGESTIONS."""
    words = _folded(clean_query(request.GET.get("q", ""))).split()
    results = []
    if words:
        visible = WelfareService.objects.visible_to(request.user)
        providers = ServiceFilterSet(None, queryset=visible, request=request).providers
        matches = [
            (not _folded(name).startswith(words[0]), name, slug)
            for slug, name in providers
            if all(word in _folded(name) for word in words)
        ]
        results = [
            {"slug": slug, "name": name} for _later, name, slug in sorted(matches)[:SUGGESTIONS]
        ]
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, max-age=60"
    return response


def _audiences_and_eligible_organizations(service):
    """The audiences of a service and, when reserved, the organisations that may use it.

    Both lists come from one query (a UNION) so that the page stays within its query budget
    whatever the header and the request buttons need.
    """
    label = CharField()
    rows = service.audiences.order_by().annotate(
        row_type=Value("audience", output_field=label), key=F("code"), sort=F("position")
    )
    rows = rows.values_list("row_type", "key", "name", "name_en", "sort")
    if service.eligibility == WelfareService.Eligibility.CHOSEN_PARTNERS:
        organizations = (
            service.eligible_organizations.active()
            .order_by()
            .annotate(
                row_type=Value("organization", output_field=label),
                key=F("slug"),
                english=Value("", output_field=label),
                sort=Value(0, output_field=IntegerField()),
            )
            .values_list("row_type", "key", "name", "english", "sort")
        )
        rows = rows.union(organizations, all=True)
    audiences, organizations = [], []
    for row_type, key, name, name_en, _sort in rows.order_by("sort", "name", "key"):
        if row_type == "audience":
            # Unsaved, for the template: its str() is the name in the page's language.
            audiences.append(Audience(code=key, name=name, name_en=name_en))
        else:
            organizations.append({"slug": key, "name": name})
    return audiences, organizations


@require_safe
@cache_public_page
def service_detail(request, slug):
    """Everything a person needs to use one service; a service they may not see is a 404."""
    visible = WelfareService.objects.visible_to(request.user).select_related("provider", "category")
    service = visible.filter(slug=slug).first()
    if service is None:
        # The same page whether the service does not exist or is reserved: it reveals nothing,
        # but tells visitors that partners' employees see more once logged in.
        return render(
            request,
            "services/service_not_found.html",
            {"sees_reserved": _sees_reserved_services(request.user)},
            status=404,
        )
    audiences, eligible_organizations = _audiences_and_eligible_organizations(service)
    site = settings.SITE_URL + "/"
    return render(
        request,
        "services/service_detail.html",
        {
            "service": service,
            "audiences": audiences,
            "eligible_organizations": eligible_organizations,
            "available_now": service.is_available(),
            "today": timezone.localdate(),
            "page_url": urljoin(site, service.get_absolute_url()),
            "og_image": urljoin(site, service.image.url) if service.image else "",
            "booking_url": _web_link(service.booking_url),
            "provider_website": _web_link(service.provider.website),
            "booking_progress": booking_progress(service),
        },
    )
