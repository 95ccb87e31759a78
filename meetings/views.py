from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from partners.models import Organization
from services.models import WelfareService

from .models import Action, WorkProgramme

FIRST_YEAR, LAST_YEAR = 2014, 2100


def _render_programme(request, year, years, *, year_in_url):
    programme = WorkProgramme.objects.filter(year=year).first() if year in years else None
    areas = []
    if programme is not None:
        actions = list(
            programme.actions.select_related("lead_organization", "subgroup").prefetch_related(
                Prefetch(
                    "partners",
                    queryset=Organization.objects.only("name", "slug", "membership_status"),
                ),
                Prefetch(
                    "services",
                    queryset=WelfareService.objects.visible_to(request.user).only("title", "slug"),
                    to_attr="visible_services",
                ),
            )
        )
        areas = [
            {
                "code": code,
                "label": label,
                "actions": [action for action in actions if action.area == code],
            }
            for code, label in Action.Area.choices
        ]
    return render(
        request,
        "meetings/programme.html",
        {
            "programme": programme,
            "year": year,
            "years": years,
            "areas": areas,
            "year_in_url": year_in_url,
        },
    )


@require_safe
def programme(request):
    """This year's work programme, or the latest one when this year's is not out yet."""
    years = list(WorkProgramme.objects.order_by("-year").values_list("year", flat=True))
    this_year = timezone.localdate().year
    year = this_year if this_year in years else next((y for y in years if y < this_year), None)
    if year is None and years:
        year = years[-1]
    return _render_programme(request, year or this_year, years, year_in_url=False)


@require_safe
def programme_year(request, year):
    # Out-of-range years never reach the database (a smallint column on PostgreSQL).
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("No work programme for that year.")
    years = list(WorkProgramme.objects.order_by("-year").values_list("year", flat=True))
    if year not in years:
        raise Http404("No work programme for that year.")
    return _render_programme(request, year, years, year_in_url=True)
