from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, F, Prefetch, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common.forms import page_number
from common.private_files import serve_private_file
from partners.access import forbidden, private, require_login
from partners.models import Organization
from partners.rules import is_coordinator, is_referent
from services.models import WelfareService

from . import actions, ical
from .access import require_meeting_access
from .forms import (
    ActionItemForm,
    AgendaDocumentForm,
    AgendaItemForm,
    AgendaMoveForm,
    AttendanceAnswerForm,
    AttendanceRecordForm,
    DecisionForm,
    MinutesForm,
    ProgressForm,
)
from .models import (
    Action,
    ActionItem,
    AgendaDocument,
    AgendaItem,
    Attendance,
    CalendarSubscription,
    Decision,
    Meeting,
    WorkingGroup,
    WorkProgramme,
    meetings_discussing,
    yearly_attendance,
)

FIRST_YEAR, LAST_YEAR = 2014, 2100


def _render_programme(request, year, years, *, year_in_url):
    programme = WorkProgramme.objects.filter(year=year).first() if year in years else None
    areas = []
    if programme is not None:
        actions = list(
            programme.actions.with_owners_and_notes().prefetch_related(
                Prefetch(
                    "services",
                    queryset=WelfareService.objects.visible_to(request.user).only("title", "slug"),
                    to_attr="visible_services",
                ),
            )
        )
        discussed = meetings_discussing(actions)
        discussed_ids = {meeting.pk for found in discussed.values() for meeting in found}
        visible = (
            set(
                Meeting.objects.visible_to(request.user)
                .filter(pk__in=discussed_ids)
                .values_list("pk", flat=True)
            )
            if discussed_ids
            else set()
        )
        for action in actions:
            action.discussed_at = [
                (meeting, meeting.pk in visible) for meeting in discussed[action.pk]
            ]
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
            "this_year": timezone.localdate().year,
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
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("action")
                .prefetch_related("documents")
                .order_by("position", "pk"),
            ),
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("organization").order_by(
                    "organization__name", "pk"
                ),
            ),
            Prefetch("decisions", queryset=Decision.objects.select_related("action")),
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related("action").prefetch_related("owners"),
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
            "decisions": list(meeting.decisions.all()),
            "action_items": list(meeting.action_items.all()),
            "is_coordinator": request.organization is None,
            "agenda_form": AgendaItemForm() if request.organization is None else None,
            "document_form": AgendaDocumentForm() if request.organization is None else None,
            "has_started": meeting.starts_at <= timezone.now(),
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


def _calendar_response(content: bytes):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="incontri-distretto.ics"'
    return response


def _feed_meetings(user):
    return (
        Meeting.objects.visible_to(user)
        .select_related("group")
        .defer("minutes")
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("position", "pk"))
        )
        .order_by("starts_at", "pk")
    )


@require_safe
@require_login
def meeting_calendar(request):
    """The meetings the user can see, as an iCalendar file (signed in: a one-off download)."""
    return private(
        _calendar_response(
            ical.feed_ics(_feed_meetings(request.user), name=_("District working-group meetings"))
        )
    )


#: How often a feed's "last used" date is written: calendars poll every few minutes.
FEED_USE_RESOLUTION = timedelta(hours=1)


@require_safe
def meeting_calendar_feed(request, token):
    """A person's subscription feed: the secret in the address is the only credential, so
    that calendar applications can fetch it. Only the meetings that person may see."""
    subscription = CalendarSubscription.objects.with_token(token).select_related("user").first()
    if subscription is None or not subscription.user.is_active:
        raise Http404("No such calendar.")
    now = timezone.now()
    if subscription.last_used_at is None or subscription.last_used_at < now - FEED_USE_RESOLUTION:
        CalendarSubscription.objects.filter(pk=subscription.pk).update(last_used_at=now)
    content = ical.feed_ics(
        _feed_meetings(subscription.user), name=_("District working-group meetings")
    )
    return private(_calendar_response(content))


NEW_FEED_SESSION_KEY = "meetings:new-calendar-url"


def calendar_feed_url(raw_token: str) -> str:
    return settings.SITE_URL + reverse("meetings:meeting-calendar-feed", args=[raw_token])


def may_subscribe(user) -> bool:
    """Who has meetings to subscribe to: the coordinator and current referents."""
    return is_coordinator(user) or is_referent(user)


@require_POST
@require_login
def calendar_subscription_renew(request):
    """Make (or replace) the person's calendar address; shown once on the profile page."""
    if not may_subscribe(request.user):
        return forbidden(request)
    raw_token = actions.calendar_subscription_renew(user=request.user, actor=request.user)
    request.session[NEW_FEED_SESSION_KEY] = calendar_feed_url(raw_token)
    messages.success(
        request,
        _(
            "Your calendar address is ready: copy it into your calendar application. "
            "Any previous address no longer works."
        ),
    )
    return redirect(reverse("account:profile") + "#calendar-subscription")


@require_POST
@require_login
def calendar_subscription_revoke(request):
    if actions.calendar_subscription_revoke(user=request.user, actor=request.user):
        messages.success(request, _("Your calendar address no longer works."))
    request.session.pop(NEW_FEED_SESSION_KEY, None)
    return redirect(reverse("account:profile") + "#calendar-subscription")


# --- The coordinator's side of a meeting: agenda, attendance, minutes --------------------------


def _meeting_for_coordinator(request, pk) -> Meeting:
    """The meeting, for the coordinator; 404 for whom cannot see it, 403 for the referents."""
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related("group"), pk=pk
    )
    if request.organization is not None:
        raise PermissionDenied
    return meeting


def _back_to_meeting(meeting, anchor=""):
    return redirect(reverse("meetings:meeting-detail", args=[meeting.pk]) + anchor)


def _refusal(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _form_errors(form) -> ValidationError:
    return ValidationError([m for errors in form.errors.values() for m in errors])


def _submitted(request, form, write, done: str = "") -> bool:
    """Validate `form`, then `write(cleaned_data)` through an action. A refusal (invalid data
    or the action's ValidationError) becomes the page's error message; success shows `done`.
    """
    try:
        if not form.is_valid():
            raise _form_errors(form)
        write(form.cleaned_data)
    except ValidationError as error:
        _refusal(request, error)
        return False
    if done:
        messages.success(request, done)
    return True


def _back_to_minutes(meeting, anchor):
    return redirect(reverse("meetings:meeting-minutes-edit", args=[meeting.pk]) + anchor)


@require_POST
@require_meeting_access
def meeting_agenda_add(request, pk):
    meeting = _meeting_for_coordinator(request, pk)
    form = AgendaItemForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        item = actions.agenda_item_add(meeting=meeting, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("“%(title)s” added to the agenda.") % {"title": item.title})
    return _back_to_meeting(meeting, "#agenda-heading")


def _agenda_item(meeting, item_pk) -> AgendaItem:
    return get_object_or_404(AgendaItem, meeting=meeting, pk=item_pk)


@require_POST
@require_meeting_access
def agenda_item_move(request, pk, item_pk):
    """Move an agenda item one place up or down (the buttons next to each item)."""
    meeting = _meeting_for_coordinator(request, pk)
    item = _agenda_item(meeting, item_pk)
    _submitted(
        request,
        AgendaMoveForm(request.POST),
        lambda data: actions.agenda_item_move(
            item=item, direction=data["direction"], actor=request.user
        ),
    )
    return _back_to_meeting(meeting, f"#agenda-item-{item.pk}")


@require_POST
@require_meeting_access
def agenda_item_remove(request, pk, item_pk):
    meeting = _meeting_for_coordinator(request, pk)
    item = _agenda_item(meeting, item_pk)
    actions.agenda_item_remove(item=item, actor=request.user)
    messages.success(request, _("“%(title)s” removed from the agenda.") % {"title": item.title})
    return _back_to_meeting(meeting, "#agenda-heading")


@require_POST
@require_meeting_access
def agenda_document_add(request, pk, item_pk):
    meeting = _meeting_for_coordinator(request, pk)
    item = _agenda_item(meeting, item_pk)
    _submitted(
        request,
        AgendaDocumentForm(request.POST, request.FILES),
        lambda data: actions.agenda_document_add(item=item, actor=request.user, **data),
        _("The document is attached to “%(title)s”.") % {"title": item.title},
    )
    return _back_to_meeting(meeting, f"#agenda-item-{item.pk}")


@require_POST
@require_meeting_access
def agenda_document_remove(request, pk, document_pk):
    meeting = _meeting_for_coordinator(request, pk)
    document = get_object_or_404(
        AgendaDocument.objects.select_related("item__meeting"),
        item__meeting=meeting,
        pk=document_pk,
    )
    actions.agenda_document_remove(document=document, actor=request.user)
    messages.success(request, _("The document has been removed."))
    return _back_to_meeting(meeting, "#agenda-heading")


@require_safe
@require_meeting_access
def agenda_document(request, pk, document_pk):
    """An agenda document, for whoever may see the meeting."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).only("pk"), pk=pk)
    document = get_object_or_404(AgendaDocument, item__meeting=meeting, pk=document_pk)
    return serve_private_file(document.file, filename=f"documento-{document.pk}.pdf")


def _invited_with_rows(meeting):
    organizations = {org.pk: org for org in meeting.invited_organizations()}
    attendances = list(meeting.attendances.select_related("organization"))
    for attendance in attendances:
        organizations.setdefault(attendance.organization_id, attendance.organization)
    ordered = sorted(organizations.values(), key=lambda org: (org.name, org.pk))
    return ordered, {attendance.organization_id: attendance for attendance in attendances}


#: What an organisation's answer suggests when the coordinator records who came.
SUGGESTED = {
    Attendance.Status.CONFIRMED: Attendance.Status.ATTENDED,
    Attendance.Status.DECLINED: Attendance.Status.EXCUSED,
}


@require_http_methods(["GET", "HEAD", "POST"])
@require_meeting_access
def meeting_attendance(request, pk):
    """After the meeting: present, excused or absent for each invited organisation."""
    meeting = _meeting_for_coordinator(request, pk)
    organizations, rows = _invited_with_rows(meeting)
    current = {org_id: SUGGESTED.get(row.status, row.status) for org_id, row in rows.items()}
    started = meeting.starts_at <= timezone.now() and meeting.status != Meeting.Status.CANCELLED
    form = AttendanceRecordForm(
        request.POST if request.method == "POST" else None,
        organizations=organizations,
        current=current,
    )
    if request.method == "POST" and _submitted(
        request,
        form,
        lambda data: actions.attendance_record(
            meeting=meeting, statuses=form.statuses(), actor=request.user
        ),
        _("Attendance recorded."),
    ):
        return _back_to_meeting(meeting, "#attendance-heading")
    return private(
        render(
            request,
            "meetings/meeting_attendance.html",
            {
                "layout": COORDINATOR_LAYOUT,
                "meeting": meeting,
                "form": form,
                "started": started,
                "rows": [(org, form[f"org-{org.pk}"], rows.get(org.pk)) for org in organizations],
            },
        )
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_meeting_access
def meeting_minutes_edit(request, pk):
    """The minutes of a meeting that took place, its decisions and action items."""
    meeting = _meeting_for_coordinator(request, pk)
    started = meeting.starts_at <= timezone.now() and meeting.status != Meeting.Status.CANCELLED
    form = MinutesForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"minutes": meeting.minutes},
    )
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _form_errors(form)
            first = meeting.minutes_published_at is None
            actions.minutes_publish(
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                minutes_file=form.cleaned_data["minutes_file"],
                actor=request.user,
            )
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(
                request,
                _("Minutes published: the referents have been told.")
                if first
                else _("Minutes corrected."),
            )
            return _back_to_meeting(meeting, "#minutes-heading")
    invited = Organization.objects.filter(
        pk__in=[org.pk for org in _invited_with_rows(meeting)[0]]
    ).order_by("name")
    return private(
        render(
            request,
            "meetings/meeting_minutes_edit.html",
            {
                "layout": COORDINATOR_LAYOUT,
                "meeting": meeting,
                "form": form,
                "started": started,
                "decisions": list(meeting.decisions.select_related("action__programme")),
                "action_items": list(
                    meeting.action_items.select_related("action__programme").prefetch_related(
                        "owners"
                    )
                ),
                "decision_form": DecisionForm(),
                "action_item_form": ActionItemForm(organizations=invited),
            },
        )
    )


@require_POST
@require_meeting_access
def decision_add(request, pk):
    meeting = _meeting_for_coordinator(request, pk)
    _submitted(
        request,
        DecisionForm(request.POST),
        lambda data: actions.decision_add(meeting=meeting, actor=request.user, **data),
        _("Decision recorded."),
    )
    return _back_to_minutes(meeting, "#decisions")


@require_POST
@require_meeting_access
def decision_remove(request, pk, decision_pk):
    meeting = _meeting_for_coordinator(request, pk)
    decision = get_object_or_404(Decision, meeting=meeting, pk=decision_pk)
    actions.decision_remove(decision=decision, actor=request.user)
    messages.success(request, _("Decision removed."))
    return _back_to_minutes(meeting, "#decisions")


@require_POST
@require_meeting_access
def action_item_add(request, pk):
    meeting = _meeting_for_coordinator(request, pk)
    invited = Organization.objects.filter(pk__in=[org.pk for org in _invited_with_rows(meeting)[0]])
    _submitted(
        request,
        ActionItemForm(request.POST, organizations=invited),
        lambda data: actions.action_item_add(meeting=meeting, actor=request.user, **data),
        _("Action item recorded."),
    )
    return _back_to_minutes(meeting, "#action-items")


@require_POST
@require_meeting_access
def action_item_remove(request, pk, item_pk):
    meeting = _meeting_for_coordinator(request, pk)
    item = get_object_or_404(ActionItem, meeting=meeting, pk=item_pk)
    actions.action_item_remove(item=item, actor=request.user)
    messages.success(request, _("Action item removed."))
    return _back_to_minutes(meeting, "#action-items")


@require_safe
@require_meeting_access
def attendance_report(request, year):
    """Attendance per organisation over a year, for the coordinator."""
    if request.organization is not None:
        raise PermissionDenied
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("No such year.")
    held, rows = yearly_attendance(year)
    years = sorted(
        {date.year for date in Meeting.objects.held().dates("starts_at", "year")} | {year},
        reverse=True,
    )
    return private(
        render(
            request,
            "meetings/attendance_report.html",
            {
                "layout": COORDINATOR_LAYOUT,
                "year": year,
                "years": years,
                "held": held,
                "rows": rows,
            },
        )
    )


# --- The owners' progress on the programme's actions -------------------------------------------


def _owned_actions(request):
    actions_qs = Action.objects.select_related("programme", "lead_organization")
    if request.organization is None:
        return actions_qs
    return actions_qs.owned_by(request.organization)


@require_safe
@require_meeting_access
def action_list(request):
    """The programme actions the organisation carries out (every action for the coordinator)."""
    owned = list(_owned_actions(request).order_by("-programme__year", "area", "position", "title"))
    return private(
        render(
            request,
            "meetings/action_list.html",
            {"layout": _layout(request), "actions": owned},
        )
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_meeting_access
def action_progress(request, pk):
    """An owner's report on an action: its status and a dated note of what has been done."""
    action = get_object_or_404(_owned_actions(request), pk=pk)
    form = ProgressForm(
        request.POST if request.method == "POST" else None,
        initial={"status": action.status, "written_on": timezone.localdate()},
    )
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _form_errors(form)
            actions.action_progress_add(
                action=action,
                organization=request.organization,
                actor=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("Progress recorded: it is on the public programme page."))
            return redirect("meetings:action-progress", pk=action.pk)
    notes = list(action.progress_notes.select_related("organization"))
    return private(
        render(
            request,
            "meetings/action_progress.html",
            {"layout": _layout(request), "action": action, "form": form, "notes": notes},
        )
    )


@require_safe
@require_meeting_access
def group_list(request):
    """The working group and its sub-groups (one per action): members, actions, meetings."""
    now = timezone.now()
    groups = list(
        WorkingGroup.objects.visible_to(request.user)
        .select_related("parent", "coordinator")
        .prefetch_related(
            Prefetch("members", queryset=Organization.objects.order_by("name")),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("programme").order_by(
                    "-programme__year", "title"
                ),
            ),
            Prefetch(
                "meetings",
                queryset=Meeting.objects.visible_to(request.user)
                .upcoming(now)
                .defer("minutes")
                .order_by("starts_at"),
                to_attr="upcoming_meetings",
            ),
        )
        .order_by(F("parent").asc(nulls_first=True), "name")
    )
    return private(
        render(request, "meetings/group_list.html", {"layout": _layout(request), "groups": groups})
    )
