import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.fields import (
    DESCRIPTION_MAX_LENGTH,
    MINUTES_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    BoundedTextField,
)
from common.private_files import private_storage
from common.translation import in_reader_language
from common.validators import web_url_validator
from partners.models import Organization
from partners.rules import is_coordinator, referent_organizations
from services.models import WelfareService


class WorkingGroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The groups whose meetings the person sees as a member: the coordinator all of
        them, a referent those their organisations belong to (as Meeting.visible_to)."""
        if not user.is_authenticated:
            return self.none()
        if is_coordinator(user):
            return self.all()
        return self.filter(members__in=referent_organizations(user)).distinct()


class WorkingGroup(models.Model):
    """The district working group of referents, and its sub-groups per action."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(
        _("name in English"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the English pages; left empty, they show the Italian name."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subgroups",
        verbose_name=_("parent group"),
    )
    description = BoundedTextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    coordinator = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_groups",
        verbose_name=_("coordinating organisation"),
    )
    members = models.ManyToManyField(
        Organization, related_name="working_groups", blank=True, verbose_name=_("members")
    )

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["parent__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="workinggroup_not_own_parent",
                violation_error_message=_("A group cannot be a subgroup of itself."),
            ),
        ]

    def __str__(self):
        return in_reader_language(self, "name")


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now):
        return self.filter(starts_at__gte=now).exclude(status=Meeting.Status.CANCELLED)

    def in_year(self, year: int):
        """Meetings that start in ``year`` (local time)."""
        return self.filter(starts_at__year=year)

    def held(self):
        return self.filter(status=Meeting.Status.HELD)

    def with_attendance_counts(self):
        """Annotate ``present``, ``excused`` and ``absent``: organisations recorded so."""
        return self.annotate(
            present=Count("attendances", filter=Q(attendances__status=Attendance.Status.ATTENDED)),
            excused=Count("attendances", filter=Q(attendances__status=Attendance.Status.EXCUSED)),
            absent=Count("attendances", filter=Q(attendances__status=Attendance.Status.ABSENT)),
        )

    def visible_to(self, user):
        """The ONE rule for who sees which meeting (pages, RSVP, minutes, calendar feed).

        The coordinator sees every meeting. A current referent sees the meetings of the
        groups their organisations are members of: a sub-group's meetings only when the
        organisation is a member of that sub-group itself (membership of the main group is
        not enough), plus any meeting their organisation was invited to one by one. Anybody
        else sees none.
        """
        if not user.is_authenticated:
            return self.none()
        if is_coordinator(user):
            return self.all()
        organizations = referent_organizations(user).values("pk")
        member = WorkingGroup.members.through.objects.filter(
            workinggroup_id=OuterRef("group_id"), organization_id__in=organizations
        )
        invited = Attendance.objects.filter(
            meeting_id=OuterRef("pk"), organization_id__in=organizations
        )
        return self.filter(Exists(member) | Exists(invited))


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("working group"),
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    answer_by = models.DateField(
        _("answer by"),
        null=True,
        blank=True,
        help_text=_("The last day on which organisations may confirm their attendance."),
    )
    # iCalendar SEQUENCE: raised at every change the invited calendars must follow.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    minutes_published_at = models.DateTimeField(
        _("minutes published"), null=True, blank=True, editable=False
    )
    minutes = BoundedTextField(_("minutes"), max_length=MINUTES_MAX_LENGTH, blank=True)
    minutes_file = models.FileField(
        _("minutes (PDF)"),
        upload_to="minutes/",
        storage=private_storage,
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    attendees = models.ManyToManyField(
        Organization, through="Attendance", related_name="meetings", verbose_name=_("participants")
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["starts_at", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("A meeting must end after it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:meeting-detail", kwargs={"pk": self.pk})

    @property
    def ical_uid(self) -> str:
        """The meeting's iCalendar UID: the same in every invitation, update and feed."""
        return f"meeting-{self.pk}@distretto"

    def invited_organizations(self):
        """Who is invited: the group's active members and anyone invited one by one."""
        return (
            Organization.objects.active()
            .filter(Q(working_groups=self.group_id) | Q(attendances__meeting=self))
            .distinct()
        )

    def clean(self):
        """A meeting ends after it starts (the database holds the same rule); its online
        link is a web page."""
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("A meeting must end after it starts.")
        if self.online_url:
            try:
                web_url_validator(self.online_url)
            except ValidationError as error:
                errors["online_url"] = error
        if errors:
            raise ValidationError(errors)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("agenda item"), max_length=255)
    notes = BoundedTextField(_("notes"), max_length=NOTES_MAX_LENGTH, blank=True)
    action = models.ForeignKey(
        "Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("programme action"),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.title


class AttendanceQuerySet(models.QuerySet):
    def recorded(self):
        """Attendance recorded after a meeting (present, excused, absent)."""
        return self.filter(status__in=RECORDED_ATTENDANCE)

    def in_year(self, year: int):
        return self.filter(meeting__starts_at__year=year)

    def per_organization(self, year: int):
        """One row per organisation: meetings it attended, was excused from, missed in ``year``.

        Held meetings only; the figures of the coordinator's yearly table and of the report.
        """
        rows = (
            self.in_year(year)
            .filter(meeting__status=Meeting.Status.HELD)
            .recorded()
            .values("organization_id", "organization__name")
            .annotate(
                present=Count("pk", filter=Q(status=Attendance.Status.ATTENDED)),
                excused=Count("pk", filter=Q(status=Attendance.Status.EXCUSED)),
                absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
            )
            .order_by("organization__name", "organization_id")
        )
        return rows


class Attendance(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Attendance confirmed")
        DECLINED = "declined", _("Absence notified")
        ATTENDED = "attended", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    representative = models.CharField(_("representative"), max_length=200, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization"],
                name="attendance_one_per_organization",
                violation_error_message=_("The organisation is already among the participants."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.get_status_display()}"


#: What the coordinator records after a meeting, per organisation.
RECORDED_ATTENDANCE = (
    Attendance.Status.ATTENDED,
    Attendance.Status.EXCUSED,
    Attendance.Status.ABSENT,
)


def yearly_attendance(year: int) -> tuple[int, list[dict]]:
    """(meetings held in ``year``, one row per organisation with ``rate``: the percentage of
    the held meetings it attended). The coordinator's yearly table and the district report."""
    held = Meeting.objects.in_year(year).held().count()
    rows = list(Attendance.objects.per_organization(year))
    for row in rows:
        row["rate"] = round(100 * row["present"] / held) if held else 0
    return held, rows


class WorkProgramme(models.Model):
    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2014), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(
        _("title in English"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the English pages; left empty, they show the Italian title."),
    )
    summary = BoundedTextField(_("summary"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("work programme")
        verbose_name_plural = _("work programmes")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2014) & Q(year__lte=2100),
                name="workprogramme_year_range",
                violation_error_message=_("The year must be between 2014 and 2100."),
            ),
        ]

    def __str__(self):
        return in_reader_language(self, "title")

    def get_absolute_url(self):
        return reverse("meetings:programme-year", kwargs={"year": self.year})


class ActionQuerySet(models.QuerySet):
    def owned_by(self, organization):
        """Actions an organisation carries out: as lead or as a partner involved."""
        return self.filter(Q(lead_organization=organization) | Q(partners=organization)).distinct()

    def owned_by_any(self, organizations):
        return self.filter(
            Q(lead_organization__in=organizations) | Q(partners__in=organizations)
        ).distinct()

    def with_owners_and_notes(self):
        """Lead, partners, sub-group and progress notes (``action.notes``, latest first), in a
        fixed number of queries: the programme page and the district report."""
        return self.select_related("lead_organization", "subgroup").prefetch_related(
            Prefetch(
                "partners",
                queryset=Organization.objects.only("name", "slug", "membership_status"),
            ),
            Prefetch(
                "progress_notes",
                queryset=ProgressNote.objects.select_related("organization").only(
                    "action_id", "written_on", "text", "status", "organization__name"
                ),
                to_attr="notes",
            ),
        )

    def status_counts(self) -> dict[str, int]:
        """{status: number of actions}, every status present (the programme's figures)."""
        counts = dict.fromkeys(Action.Status.values, 0)
        for row in self.order_by().values("status").annotate(total=Count("pk")):
            counts[row["status"]] = row["total"]
        return counts


class Action(models.Model):
    """An action of the yearly programme, in one of the four areas of the Distretti Famiglia."""

    class Area(models.TextChoices):
        PLANNING = "planning", _("Planning")
        AWARENESS = "awareness", _("Awareness, training and information")
        STANDARDS = "standards", _("Adapting services to family standards")
        PILOT = "pilot", _("Pilot projects")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Dropped")

    programme = models.ForeignKey(
        WorkProgramme,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("work programme"),
    )
    area = models.CharField(_("action area"), max_length=20, choices=Area.choices)
    title = models.CharField(_("title"), max_length=255)
    description = BoundedTextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    lead_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="led_actions",
        verbose_name=_("lead organisation"),
    )
    partners = models.ManyToManyField(
        Organization, related_name="actions", blank=True, verbose_name=_("partners involved")
    )
    subgroup = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("subgroup"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    services = models.ManyToManyField(
        WelfareService, related_name="actions", blank=True, verbose_name=_("related services")
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["programme", "area", "position", "title"]
        indexes = [models.Index(fields=["programme", "area"])]

    def __str__(self):
        return self.title


class AgendaDocument(models.Model):
    """A document for an item of the agenda (PDF, private: only those who see the meeting)."""

    item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("document (PDF)"),
        upload_to="agenda/",
        storage=private_storage,
        validators=[FileExtensionValidator(["pdf"])],
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("agenda document")
        verbose_name_plural = _("agenda documents")
        ordering = ["item", "title", "pk"]

    def __str__(self):
        return self.title


class MeetingNotice(models.Model):
    """A mail the portal sent about a meeting: the record that keeps reminders from repeating."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        UPDATE = "update", _("Update")
        CANCELLATION = "cancellation", _("Cancellation")
        REMINDER_WEEK = "reminder_week", _("Reminder one week before")
        REMINDER_DAY = "reminder_day", _("Reminder one day before")
        MINUTES = "minutes", _("Minutes published")

    REMINDERS = (Kind.REMINDER_WEEK, Kind.REMINDER_DAY)

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="notices", verbose_name=_("meeting")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="meeting_notices",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting notice")
        verbose_name_plural = _("meeting notices")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization", "kind"],
                condition=Q(kind__in=["reminder_week", "reminder_day"]),
                name="meetingnotice_one_reminder_each",
                violation_error_message=_("This reminder was already sent."),
            ),
        ]

    def __str__(self):
        return f"{self.meeting} — {self.organization}: {self.get_kind_display()}"


def hash_feed_token(raw_token: str) -> str:
    """A calendar token as stored: its SHA-256 in hex, so the database holds no working URL."""
    return hashlib.sha256(raw_token.encode("utf-8", "surrogatepass")).hexdigest()


class CalendarSubscriptionQuerySet(models.QuerySet):
    def with_token(self, raw_token: str):
        return self.filter(token_hash=hash_feed_token(raw_token))


class CalendarSubscription(models.Model):
    """A person's secret calendar address (the token is kept only as its hash)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_subscription",
        verbose_name=_("person"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = CalendarSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")

    def __str__(self):
        return str(self.user)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class ProgressNote(models.Model):
    """A dated note on how a programme action is going, written by its owners or the
    coordinator."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="progress_notes", verbose_name=_("action")
    )
    written_on = models.DateField(_("date"))
    text = BoundedTextField(_("progress"), max_length=NOTES_MAX_LENGTH)
    status = models.CharField(_("status"), max_length=20, choices=Action.Status.choices, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_notes",
        verbose_name=_("organisation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["action", "-written_on", "-pk"]

    def __str__(self):
        return f"{self.action} — {self.written_on}"


class Decision(models.Model):
    """A decision recorded in a meeting's minutes, optionally about a programme action."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    text = BoundedTextField(_("decision"), max_length=NOTES_MAX_LENGTH)
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("programme action"),
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.text[:80]


class ActionItem(models.Model):
    """Something to do, decided at a meeting: what, by whom (organisations), by when."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("meeting")
    )
    what = models.CharField(_("what"), max_length=255)
    owners = models.ManyToManyField(
        Organization, related_name="action_items", verbose_name=_("owner organisations")
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("programme action"),
    )

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["meeting", "due_on", "pk"]

    def __str__(self):
        return self.what


def meetings_discussing(actions) -> dict[int, list[Meeting]]:
    """{action id: the meetings (not cancelled) whose agenda, decisions or action items
    concern it, earliest first}: the programme page's and the report's "discussed at"."""
    action_ids = [action.pk for action in actions]
    if not action_ids:
        return {}
    links = [
        model.objects.filter(action_id__in=action_ids)
        .order_by()
        .values_list("action_id", "meeting_id")
        for model in (AgendaItem, Decision, ActionItem)
    ]
    links = set(links[0].union(links[1], links[2]).order_by())
    meeting_ids = {meeting_id for _action, meeting_id in links}
    meetings = (
        Meeting.objects.exclude(status=Meeting.Status.CANCELLED)
        .only("pk", "title", "starts_at", "status")
        .in_bulk(meeting_ids)
        if meeting_ids
        else {}
    )
    found = {action_id: [] for action_id in action_ids}
    for action_id, meeting_id in links:
        if meeting_id in meetings:
            found[action_id].append(meetings[meeting_id])
    for action_meetings in found.values():
        action_meetings.sort(key=lambda meeting: (meeting.starts_at, meeting.pk))
    return found
