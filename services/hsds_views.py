"""The open data's HTTP side: the HSDS 3.0 API under /api/hsds/, its tabular data package,
and the dataset's DCAT-AP_IT description. Read-only, anonymous, the same for everybody."""

import json
from datetime import datetime, time

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Max, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from services import hsds
from services.hsds_package import build_package, dcat_description
from services.models import Audience, Category

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_SEARCH_LENGTH = 200
CACHE_SECONDS = 300


class BadParameter(Exception):
    pass


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, status=status, json_dumps_params={"ensure_ascii": False, "indent": None}
    )
    response["Access-Control-Allow-Origin"] = "*"
    if status == 200:
        response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def _error(message: str, status: int = 400) -> JsonResponse:
    return _json({"error": message}, status=status)


def _positive_int(request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise BadParameter(_("“%(name)s” must be a whole number from 1 up.") % {"name": name})
    value = int(raw)
    if maximum is not None and value > maximum:
        raise BadParameter(
            _("“%(name)s” may be at most %(maximum)d.") % {"name": name, "maximum": maximum}
        )
    return value


def _page(request, queryset, to_record) -> dict:
    """One HSDS page (Page: total_items, total_pages, page_number, size, first_page,
    last_page, empty; then contents)."""
    page_number = _positive_int(request, "page", 1, maximum=10**6)
    per_page = _positive_int(request, "per_page", DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE)
    paginator = Paginator(queryset, per_page)
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        if paginator.count == 0 and page_number == 1:
            page = None
        else:
            raise BadParameter(
                _("There is no page %(page)d: the last one is %(last)d.")
                % {"page": page_number, "last": paginator.num_pages}
            ) from None
    contents = [to_record(item) for item in page] if page is not None else []
    return {
        "total_items": paginator.count,
        "total_pages": paginator.num_pages if paginator.count else 0,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page is None or not page.has_next(),
        "empty": not contents,
        "contents": contents,
    }


def _api(view):
    """Bad parameters become a 400 with the reason, as JSON; GET and HEAD only."""

    @require_safe
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadParameter as refusal:
            return _error(str(refusal))
        except Http404:
            return _error(_("There is no such record in the open data."), status=404)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _object_or_404(queryset, kind: str, identifier: str):
    pk = hsds.record_pk(kind, identifier)
    if pk is None:
        raise Http404
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- Endpoints ------------------------------------------------------------------------------


@_api
def api_root(request):
    """What this API is (HSDS's `/`)."""
    with translation.override(settings.LANGUAGE_CODE):
        profile = hsds.absolute(reverse("open-data"))
    return _json(
        {"version": hsds.HSDS_VERSION, "profile": profile, "openapi_url": hsds.OPENAPI_URL}
    )


def _filtered_services(request):
    services = hsds.open_services()
    search = request.GET.get("search", "").strip()
    if len(search) > MAX_SEARCH_LENGTH or "\x00" in search:
        raise BadParameter(
            _("“search” may be at most %(maximum)d characters.") % {"maximum": MAX_SEARCH_LENGTH}
        )
    if search:
        services = services.filter(
            Q(title__icontains=search) | Q(summary__icontains=search) | Q(area__icontains=search)
        )
    organization = request.GET.get("organization_id", "")
    if organization:
        pk = hsds.record_pk("organization", organization)
        services = services.filter(provider_id=pk) if pk is not None else services.none()
    term = request.GET.get("taxonomy_term_id", "")
    if term:
        category = hsds.record_pk("category", term)
        audience = hsds.record_pk("audience", term)
        if category is not None:
            services = services.filter(category_id=category)
        elif audience is not None:
            services = services.filter(audiences=audience)
        else:
            services = services.none()
    taxonomy = request.GET.get("taxonomy_id", "")
    if taxonomy and taxonomy not in {hsds.hsds_id("taxonomy", key) for key in hsds.TAXONOMIES}:
        services = services.none()
    modified_after = request.GET.get("modified_after", "")
    if modified_after:
        moment = _moment(modified_after)
        services = services.filter(updated_at__gte=moment)
    return services


def _moment(text: str):
    """An ISO 8601 date or date and time (local time when it says no offset)."""
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter(_("“modified_after” must be a date or date and time (ISO 8601)."))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@_api
def service_list(request):
    """Services, one-to-one fields, paginated."""
    return _json(_page(request, _filtered_services(request), hsds.service_record))


@_api
def service_detail(request, identifier):
    """One service with everything related to it."""
    service = _object_or_404(hsds.open_services(), "service", identifier)
    return _json(hsds.service_full(service))


@_api
def organization_list(request):
    return _json(_page(request, hsds.open_organizations(), hsds.organization_record))


@_api
def organization_detail(request, identifier):
    organization = _object_or_404(hsds.open_organizations(), "organization", identifier)
    services = hsds.open_services().filter(provider=organization)
    return _json(hsds.organization_full(organization, services))


def _services_with_a_place():
    return hsds.open_services().exclude(address="", area="")


@_api
def service_at_location_list(request):
    records = _page(request, _services_with_a_place(), hsds.service_at_location_record)
    return _json(records)


@_api
def service_at_location_detail(request, identifier):
    service = _object_or_404(_services_with_a_place(), "service-at-location", identifier)
    record = hsds.service_at_location_record(service)
    record["service"] = hsds.service_record(service)
    return _json(record)


@_api
def taxonomy_list(request):
    taxonomies = hsds.taxonomies()
    return _json(_page(request, taxonomies, lambda record: record))


@_api
def taxonomy_detail(request, identifier):
    for record in hsds.taxonomies():
        if record["id"] == identifier:
            return _json(record)
    raise Http404


@_api
def taxonomy_term_list(request):
    return _json(_page(request, hsds.taxonomy_terms(), lambda record: record))


@_api
def taxonomy_term_detail(request, identifier):
    category = hsds.record_pk("category", identifier)
    if category is not None:
        return _json(hsds.category_term(_object_or_404(Category.objects, "category", identifier)))
    if hsds.record_pk("audience", identifier) is not None:
        return _json(hsds.audience_term(_object_or_404(Audience.objects, "audience", identifier)))
    raise Http404


# --- Files ----------------------------------------------------------------------------------


def _cached(name: str, build):
    """``build()``'s bytes, rebuilt only when something published changed."""
    key = f"open-data:{name}:{hsds.data_version()}"
    content = cache.get(key)
    if content is None:
        content = build()
        cache.set(key, content, 24 * 3600)
    return content


@require_safe
def data_package(request):
    """The whole open catalogue as a tabular data package (CSV files + datapackage.json)."""
    content = _cached("package", build_package)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="distretto-catalogo-hsds.zip"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@require_safe
def dcat(request):
    """The dataset described in DCAT-AP_IT (JSON-LD), for the open-data catalogues."""
    content = _cached(
        "dcat", lambda: json.dumps(dcat_description(), ensure_ascii=False, indent=2).encode()
    )
    response = HttpResponse(content, content_type="application/ld+json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


# --- The page explaining them -------------------------------------------------------------


@require_safe
def open_data_page(request):
    services = hsds.open_services().order_by()
    return render(
        request,
        "services/open_data.html",
        {
            "service_count": services.count(),
            "organization_count": hsds.open_organizations().count(),
            "last_modified": services.aggregate(last=Max("updated_at"))["last"],
        },
    )
