"""The coordinator's side of the needs survey: needs set against supply, per area, for the
network and per organisation, on screen and as a spreadsheet."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from common.csv_export import csv_response, dated_filename
from partners.access import require_login
from partners.models import Organization
from partners.rules import is_coordinator
from services.balance import PRIVACY_THRESHOLD
from services.models import NeedsSurvey
from services.needs import needs_report, organizations_answering


def _coordinator_only(request):
    if not is_coordinator(request.user):
        raise PermissionDenied


def _chosen(request):
    """(surveys, the survey asked for or the latest, the organisation asked for or None)."""
    surveys = list(NeedsSurvey.objects.annotate(answer_count=Count("answers")).order_by("-year"))
    by_year = {str(survey.year): survey for survey in surveys}
    survey = by_year.get(request.GET.get("year", ""), surveys[0] if surveys else None)
    organization = None
    slug = request.GET.get("organization", "")
    if survey is not None and slug:
        organization = organizations_answering(survey).filter(slug=slug).first()
    return surveys, survey, organization


@require_safe
@require_login
def needs_results(request):
    _coordinator_only(request)
    surveys, survey, organization = _chosen(request)
    context = {"surveys": surveys, "survey": survey, "threshold": PRIVACY_THRESHOLD}
    if survey is not None:
        context.update(
            report=needs_report(survey, organization),
            organizations=organizations_answering(survey),
            organization=organization,
            unknown_organization=bool(request.GET.get("organization")) and organization is None,
        )
    return render(request, "distretto/needs_results.html", context)


def _percent(share) -> str:
    return "" if share is None else f"{round(100 * share)}"


@require_safe
@require_login
def needs_gaps_export(request):
    """The gaps of the chosen survey: the network, then every answering organisation."""
    _coordinator_only(request)
    _surveys, survey, _organization = _chosen(request)
    if survey is None:
        raise Http404("No needs survey yet.")
    below = _("fewer than %(threshold)s") % {"threshold": PRIVACY_THRESHOLD}
    rows = []
    scopes: list[Organization | None] = [None, *organizations_answering(survey)]
    for scope in scopes:
        report = needs_report(survey, scope)
        for gap in report.gaps:
            rows.append(
                [
                    scope.name if scope else _("Whole network"),
                    report.answer_count,
                    str(gap.category),
                    below if gap.needs is None else gap.needs,
                    _percent(gap.needs_share),
                    gap.services,
                    _percent(gap.services_share),
                    _percent(gap.gap),
                ]
            )
    header = [
        _("Scope"),
        _("Answers"),
        _("Welfare area"),
        _("Answers asking for it"),
        _("Share of answers (%)"),
        _("Services on offer"),
        _("Share of services (%)"),
        _("Gap (points)"),
    ]
    return csv_response(dated_filename(f"bisogni-{survey.year}"), header, rows)
