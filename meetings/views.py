from datetime import UTC

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, F, Prefetch, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from icalendar import Calendar, Event

from common.forms import page_number
from common.private_files import serve_private_file
from partners.access import forbidden, private, require_login
from partners.models import Organization
from services.models import WelfareService

from . import actions
from .access import require_meeting_access
from .forms import AttendanceAnswerForm
from .models import Action, AgendaItem, Attendance, Meeting, WorkProgramme

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


# --- Working-group meetings (/incontri/) -----------------------------------------------------

MEETINGS_PAGE_SIZE = 20
PARTNER_LAYOUT = "area/base_area.html"
COORDINATOR_LAYOUT = "meetings/_layout.html"


def _layout(request):
    """Referents see the meetings inside the partner area; the coordinator has no side menu."""
    return PARTNER_LAYOUT if request.organization is not None else COORDINATOR_LAYOUT


def _own_attendance(request):
    """Prefetch the current organisation's answer only (`meeting.own_attendance`)."""
    return Prefetch(
        "attendances",
        queryset=Attendance.objects.filter(organization=request.organization),
        to_attr="own_attendance",
    )


@require_safe
@require_meeting_access
def meeting_list(request):
    """Upcoming meetings first (soonest first), then the past ones (latest first)."""
    now = timezone.now()
    meetings = (
        Meeting.objects.visible_to(request.user)
        .select_related("group", "group__parent")
        .defer("minutes")
        .annotate(
            is_upcoming=Case(
                When(starts_at__gte=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by(
            F("is_upcoming").desc(),
            Case(When(starts_at__gte=now, then=F("starts_at"))).asc(nulls_last=True),
            F("starts_at").desc(),
            "pk",
        )
    )
    if request.organization is not None:
        meetings = meetings.prefetch_related(_own_attendance(request))
    page_obj = Paginator(meetings, MEETINGS_PAGE_SIZE).get_page(page_number(request.GET))
    meetings_on_page = list(page_obj)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "layout": _layout(request),
            "page_obj": page_obj,
            "upcoming": [meeting for meeting in meetings_on_page if meeting.is_upcoming],
            "past": [meeting for meeting in meetings_on_page if not meeting.is_upcoming],
        },
    )


def _can_answer(meeting, organization, now) -> bool:
    return (
        organization is not None
        and meeting.status == Meeting.Status.SCHEDULED
        and meeting.starts_at > now
    )


@require_safe
@require_meeting_access
def meeting_detail(request, pk):
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user)
        .select_related("group", "group__parent")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk")),
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("organization").order_by(
                    "organization__name", "pk"
                ),
            ),
        ),
        pk=pk,
    )
    attendances = list(meeting.attendances.all())
    own_attendance = None
    if request.organization is not None:
        own_attendance = next(
            (a for a in attendances if a.organization_id == request.organization.pk), None
        )
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "layout": _layout(request),
            "meeting": meeting,
            "agenda_items": list(meeting.agenda_items.all()),
            "attendances": attendances,
            "own_attendance": own_attendance,
            "can_answer": _can_answer(meeting, request.organization, timezone.now()),
            "rsvp_choices": [(status.value, status.label) for status in actions.RSVP_STATUSES],
            "representative_max_length": actions.REPRESENTATIVE_MAX_LENGTH,
        },
    )


@require_safe
def meeting_minutes(request, pk):
    """The signed minutes as a PDF, for those who can see the meeting.

    A private file answers 404 to every signed-in person without the right (employees,
    referents of other organisations, people with no organisation), like a file that does
    not exist, so its address reveals nothing; visitors not logged in get the login page
    for any number, existing or not. No session organisation is needed: the rule is who
    the person is (Meeting.objects.visible_to).
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).only("pk", "minutes_file"), pk=pk
    )
    return private(
        serve_private_file(meeting.minutes_file, filename=f"verbale-incontro-{meeting.pk}.pdf")
    )


@require_POST
@require_meeting_access
def meeting_rsvp(request, pk):
    """A referent confirms or declines their organisation's attendance."""
    if request.organization is None:
        # The coordinator records attendance in the back office, for no organisation here.
        return forbidden(request)
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    form = AttendanceAnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        attendance = actions.attendance_respond(
            meeting=meeting,
            organization=request.organization,
            status=form.cleaned_data["status"],
            representative=form.cleaned_data["representative"],
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if attendance.status == Attendance.Status.CONFIRMED:
            message = _("%(organization)s will attend the meeting.")
        else:
            message = _("%(organization)s will not attend the meeting: the absence is recorded.")
        messages.success(request, message % {"organization": request.organization.name})
    return redirect("meetings:meeting-detail", pk=meeting.pk)


def _utc(value):
    return value.astimezone(UTC)


@require_safe
@require_login
def meeting_calendar(request):
    """The meetings the user can see, as an iCalendar feed for their calendar app."""
    calendar = Calendar()
    calendar.add("prodid", "-//Distretto Family Audit di Trento//Incontri//IT")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("District working-group meetings"))
    meetings = (
        Meeting.objects.visible_to(request.user)
        .select_related("group")
        .defer("minutes")
        .order_by("starts_at", "pk")
    )
    stamp = _utc(timezone.now())
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@distretto")
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(meeting.starts_at))
        event.add("dtend", _utc(meeting.ends_at))
        event.add("summary", f"{meeting.group.name}: {meeting.title}")
        location = meeting.place or meeting.online_url
        if location:
            event.add("location", location)
        event.add(
            "url", request.build_absolute_uri(reverse("meetings:meeting-detail", args=[meeting.pk]))
        )
        if meeting.status == Meeting.Status.CANCELLED:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="incontri-distretto.ics"'
    return response
