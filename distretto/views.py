import sys
from datetime import date

from django.conf import settings
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_safe

from agreements.models import Agreement
from common.availability import database_unavailable_response, is_database_unavailable
from common.health import readiness
from common.page_cache import cache_public_page, cached, content_cache_key
from meetings.models import Meeting, WorkingGroup
from partners.models import Organization
from services.models import WelfareService
from services.rules import visibility_key

# Review the statement (templates/distretto/accessibility.html) and move this date
# whenever the site is checked again.
ACCESSIBILITY_STATEMENT_DATE = date(2026, 11, 26)

HOME_FEATURED = 3
HOME_RECENT = 4

# The milestones of the district's history (seed text, "La storia del Distretto").
# Dates are facts; `precision` says how much of the date is known. Agreements signed on
# these days are linked from the timeline when they are published on the portal.
HISTORY = [
    {
        "date": date(2014, 6, 1),
        "precision": "month",
        "title": _("Area agreement of the Collina Est family district"),
        "text": _(
            "The Distretto Famiglia Collina Est is born from the voluntary area agreement "
            "for the family district in the Comune di Trento, Povo neighbourhood: sharing "
            "needs and resources to build an inter-company welfare system towards the "
            "work–life balance goals of each member's family certification."
        ),
    },
    {
        "date": date(2017, 4, 10),
        "precision": "day",
        "title": _("Partnership agreement of the Distretto per la Famiglia di Trento"),
        "text": _(
            "The district becomes an experimental public–private partnership that promotes a "
            "healthy balance between private and working life, creating inter-company welfare "
            "services for the employees of the partner organisations."
        ),
    },
    {
        "date": date(2018, 10, 8),
        "precision": "day",
        "title": _("New provincial guidelines for the Distretti Famiglia"),
        "text": _(
            "The revised provincial guidelines provide for districts made of organisations "
            "holding the Family Audit certification, answering the requests to join received "
            "from several certified organisations."
        ),
    },
    {
        "date": date(2018, 10, 10),
        "precision": "day",
        "title": _("The Distretto Family Audit di Trento is founded"),
        "text": _(
            "With the voluntary area agreement signed by Fondazione Bruno Kessler, APSP "
            "Margherita Grazioli, Famiglia Cooperativa di Povo, Kaleidoscopio s.c.s., "
            "Università degli Studi di Trento, FIDIA S.r.l., Progetto ’92 Società Cooperativa "
            "Sociale, Fondazione Franco Demarchi and U.P.I.P.A., the Distretto Famiglia "
            "Collina Est becomes the Distretto Family Audit di Trento."
        ),
    },
    {
        "date": date(2019, 3, 19),
        "precision": "day",
        "title": _("Partnership agreement of the Distretto Family Audit di Trento"),
        "text": _(
            "The same organisations sign the partnership agreement, continuing the "
            "experimentation of a public–private partnership model."
        ),
    },
]


@require_safe
def bench_floor(request):
    """`make bench`'s yardstick: a constant answer, after every middleware (BENCH_FLOOR_VIEW)."""
    return HttpResponse(b"ok", content_type="text/plain")


@require_safe
@cache_public_page
def home(request):
    """What the district is, its live figures, the next meeting, services and latest agreement.

    What the page shows depends only on what the person may see: it is read once for each
    visibility (services.rules.visibility_key) and kept in the cache until something public
    changes (common.page_cache).
    """
    visibility = visibility_key(request.user)
    context = cached(("home", visibility), lambda: _home_content(request.user))
    return render(
        request,
        "distretto/home.html",
        context
        | {
            "today": timezone.localdate(),
            "content_cache_key": content_cache_key(request, visibility),
        },
    )


def _home_content(user) -> dict:
    now = timezone.now()
    services = WelfareService.objects.visible_to(user).select_related("provider", "category")
    # Ended services are not put forward; the catalogue still lists them, marked as ended.
    current = services.not_ended()
    # A full row: the newest published services fill the slots the featured ones leave
    # (one query); no featured service at all, no section.
    featured = list(current.order_by("-is_featured", "-published_at", "-pk")[:HOME_FEATURED])
    if not featured or not featured[0].is_featured:
        featured = []
    recent = list(
        current.exclude(pk__in=[service.pk for service in featured]).order_by("-updated_at", "-pk")[
            :HOME_RECENT
        ]
    )
    next_meeting = (
        Meeting.objects.upcoming(now)
        .filter(group__parent__isnull=True)
        .select_related("group")
        .order_by("starts_at")
        .first()
    )
    latest_agreement = (
        Agreement.objects.public()
        .order_by("-signed_on", "-pk")
        .only("title", "slug", "kind", "signed_on", "signed_on_precision", "summary")
        .first()
    )
    return {
        # The same organisations as the partners page, hence the same number.
        "partner_count": Organization.objects.public().count(),
        "service_count": services.count(),
        "featured_services": featured,
        "recent_services": recent,
        "next_meeting": next_meeting,
        "latest_agreement": latest_agreement,
    }


@require_safe
def about(request):
    """Who we are: what the district is, its history as a timeline, its governance."""
    agreements = list(
        Agreement.objects.public()
        .filter(signed_on__year__in={milestone["date"].year for milestone in HISTORY})
        .only("title", "slug", "signed_on")
        .order_by("signed_on", "pk")
    )

    def agreement_of(milestone):
        # A milestone known to the month matches an agreement signed any day of that month.
        for agreement in agreements:
            if milestone["precision"] == "month":
                if agreement.signed_on.replace(day=1) == milestone["date"].replace(day=1):
                    return agreement
            elif agreement.signed_on == milestone["date"]:
                return agreement
        return None

    timeline = [{**milestone, "agreement": agreement_of(milestone)} for milestone in HISTORY]
    groups = list(
        WorkingGroup.objects.filter(parent__isnull=True)
        .select_related("coordinator")
        .prefetch_related("subgroups")
        .order_by("name")
    )
    subgroups = sorted(
        (subgroup for group in groups for subgroup in group.subgroups.all()),
        key=lambda subgroup: subgroup.name,
    )
    institutions = list(
        Organization.objects.public()
        .filter(role=Organization.Role.INSTITUTIONAL)
        .only("name", "slug")
    )
    return render(
        request,
        "distretto/about.html",
        {
            "timeline": timeline,
            "groups": groups,
            "subgroups": subgroups,
            "institutions": institutions,
        },
    )


@require_safe
def accessibility(request):
    return render(
        request,
        "distretto/accessibility.html",
        {"statement_date": ACCESSIBILITY_STATEMENT_DATE},
    )


@require_safe
def privacy(request):
    return render(request, "distretto/privacy.html")


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        # Personal and back-office pages, in both languages.
        *(
            f"Disallow: {prefix}{section}"
            for prefix in ("/", "/en/")
            for section in ("admin/", "account/", "area-partner/")
        ),
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@requires_csrf_token
def bad_request(request, exception=None):
    """Our 400 page, e.g. for input the database cannot store (common.middleware)."""
    try:
        content = loader.render_to_string("400.html", request=request)
    except Exception:  # noqa: BLE001 - the request itself may be what cannot be handled
        content = loader.get_template("500.html").render()
    return HttpResponseBadRequest(content)


@requires_csrf_token
def permission_denied(request, exception=None):
    return HttpResponseForbidden(loader.render_to_string("403.html", request=request))


@requires_csrf_token
def page_not_found(request, exception=None):
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))


@requires_csrf_token
def server_error(request):
    # A database outage met by a middleware (loading the session, the user) arrives here:
    # that is a 503 to wait out (common.availability), not an error of ours.
    if is_database_unavailable(sys.exception()):
        return database_unavailable_response()
    # Rendered without the request: no context processors, no database, nothing that can fail
    # again while the site is already failing.
    return HttpResponseServerError(loader.get_template("500.html").render())


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers. It looks at nothing else (see readyz)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def readyz(request):
    """Readiness for the load balancer: database, cache, storages, task queue (as JSON)."""
    ready, checks = readiness()
    return JsonResponse(
        {"status": "ok" if ready else "error", "checks": checks}, status=200 if ready else 503
    )
