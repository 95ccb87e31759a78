"""The coordinator's exports of people and activity, as spreadsheets (common.csv_export).

Served inside the back office (``admin:export``), so they sit behind its login and its
two-factor requirement; only the coordinator may download them (another staff account: 403).
Each export is one query, whatever the number of rows.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from agreements.models import Signature
from common.csv_export import csv_response, dated_filename
from meetings.models import Attendance
from partners.models import Affiliation
from partners.rules import is_coordinator
from services.models import ServiceRequest


def _people():
    header = (
        _("e-mail"),
        _("organisation"),
        _("role"),
        _("status"),
        _("verified how"),
        _("verified at"),
        _("requested at"),
        _("ended at"),
    )
    rows = (
        (
            affiliation.user.email,
            affiliation.organization.name,
            affiliation.get_role_display(),
            affiliation.get_status_display(),
            affiliation.get_verified_via_display() if affiliation.verified_via else "",
            affiliation.verified_at,
            affiliation.created_at,
            affiliation.ended_at,
        )
        for affiliation in Affiliation.objects.select_related("user", "organization").order_by(
            "organization__name", "user__email", "pk"
        )
    )
    return header, rows


def _requests():
    header = (
        _("sent at"),
        _("service"),
        _("provider"),
        _("requested by"),
        _("for the organisation"),
        _("kind"),
        _("status"),
        _("answered at"),
    )
    rows = (
        (
            request.created_at,
            request.service.title,
            request.service.provider.name,
            request.requester.email,
            request.requester_organization.name,
            request.get_kind_display(),
            request.get_status_display(),
            request.answered_at,
        )
        for request in ServiceRequest.objects.select_related(
            "service", "service__provider", "requester", "requester_organization"
        ).order_by("-created_at", "-pk")
    )
    return header, rows


def _signatures():
    header = (
        _("agreement"),
        _("kind"),
        _("organisation"),
        _("date of signature"),
        _("withdrawal date"),
    )
    rows = (
        (
            signature.agreement.title,
            signature.agreement.get_kind_display(),
            signature.organization.name,
            signature.signed_on,
            signature.withdrawn_on,
        )
        for signature in Signature.objects.select_related("agreement", "organization").order_by(
            "agreement__signed_on", "agreement__pk", "signed_on", "organization__name"
        )
    )
    return header, rows


def _attendance():
    header = (
        _("starts at"),
        _("meeting"),
        _("working group"),
        _("organisation"),
        _("attendance"),
        _("representative"),
    )
    rows = (
        (
            attendance.meeting.starts_at,
            attendance.meeting.title,
            attendance.meeting.group.name,
            attendance.organization.name,
            attendance.get_status_display(),
            attendance.representative,
        )
        for attendance in Attendance.objects.select_related(
            "meeting", "meeting__group", "organization"
        ).order_by("-meeting__starts_at", "meeting__pk", "organization__name")
    )
    return header, rows


# kind in the address -> (link text on the back office's home, file name stem, builder)
EXPORTS = {
    "people": (_("People and affiliations"), "persone-affiliazioni", _people),
    "requests": (_("Service requests"), "richieste-servizi", _requests),
    "signatures": (_("Signatures of the agreements"), "firme-accordi", _signatures),
    "attendance": (_("Meeting attendance"), "presenze-incontri", _attendance),
}


@require_safe
def export(request, kind):
    if kind not in EXPORTS:
        raise Http404
    if not is_coordinator(request.user):
        raise PermissionDenied
    _label, stem, build = EXPORTS[kind]
    header, rows = build()
    return csv_response(dated_filename(stem), header, rows)


def export_links() -> list[dict]:
    """For the back office's home: one link per export (the URL is admin:export)."""
    return [{"kind": kind, "label": label} for kind, (label, _stem, _build) in EXPORTS.items()]
