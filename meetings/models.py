from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
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

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Attendance confirmed")
        DECLINED = "declined", _("Absence notified")
        ATTENDED = "attended", _("Present")
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

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["programme", "area", "position", "title"]
        indexes = [models.Index(fields=["programme", "area"])]

    def __str__(self):
        return self.title
