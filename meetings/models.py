from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models import Organization
from services.models import WelfareService


class WorkingGroup(models.Model):
    """The district working group of referents, and its sub-groups per action."""

    name = models.CharField(_("nome"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subgroups",
        verbose_name=_("gruppo principale"),
    )
    description = models.TextField(_("descrizione"), blank=True)
    coordinator = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_groups",
        verbose_name=_("organizzazione coordinatrice"),
    )
    members = models.ManyToManyField(
        Organization, related_name="working_groups", blank=True, verbose_name=_("membri")
    )

    class Meta:
        verbose_name = _("gruppo di lavoro")
        verbose_name_plural = _("gruppi di lavoro")
        ordering = ["parent__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="workinggroup_not_own_parent",
                violation_error_message=_("Un gruppo non può essere sotto-gruppo di se stesso."),
            ),
        ]

    def __str__(self):
        return self.name


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now):
        return self.filter(starts_at__gte=now).exclude(status=Meeting.Status.CANCELLED)


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Convocato")
        HELD = "held", _("Svolto")
        CANCELLED = "cancelled", _("Annullato")

    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("gruppo di lavoro"),
    )
    title = models.CharField(_("titolo"), max_length=200)
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    place = models.CharField(_("luogo"), max_length=255, blank=True)
    online_url = models.URLField(_("link per il collegamento online"), blank=True)
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    minutes = models.TextField(_("verbale"), blank=True)
    minutes_file = models.FileField(
        _("verbale (PDF)"),
        upload_to="minutes/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    attendees = models.ManyToManyField(
        Organization, through="Attendance", related_name="meetings", verbose_name=_("partecipanti")
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("incontro")
        verbose_name_plural = _("incontri")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["starts_at", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("La fine dell'incontro deve seguire l'inizio."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:meeting-detail", kwargs={"pk": self.pk})


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("incontro")
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)
    title = models.CharField(_("punto all'ordine del giorno"), max_length=255)
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("punto all'ordine del giorno")
        verbose_name_plural = _("ordine del giorno")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invitata")
        CONFIRMED = "confirmed", _("Presenza confermata")
        DECLINED = "declined", _("Assenza comunicata")
        ATTENDED = "attended", _("Presente")
        ABSENT = "absent", _("Assente")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("incontro")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("organizzazione"),
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    representative = models.CharField(_("rappresentante"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("presenza")
        verbose_name_plural = _("presenze")
        ordering = ["meeting", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organization"],
                name="attendance_one_per_organization",
                violation_error_message=_("L'organizzazione è già tra i partecipanti."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.get_status_display()}"


class WorkProgramme(models.Model):
    year = models.PositiveSmallIntegerField(
        _("anno"), unique=True, validators=[MinValueValidator(2014), MaxValueValidator(2100)]
    )
    title = models.CharField(_("titolo"), max_length=200)
    summary = models.TextField(_("sintesi"), blank=True)
    approved_on = models.DateField(_("approvato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("programma di lavoro")
        verbose_name_plural = _("programmi di lavoro")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2014) & Q(year__lte=2100),
                name="workprogramme_year_range",
                violation_error_message=_("L'anno deve essere compreso tra 2014 e 2100."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:programme-year", kwargs={"year": self.year})


class Action(models.Model):
    """An action of the yearly programme, in one of the four areas of the Distretti Famiglia."""

    class Area(models.TextChoices):
        PLANNING = "planning", _("Programmazione")
        AWARENESS = "awareness", _("Sensibilizzazione, formazione e informazione")
        STANDARDS = "standards", _("Adeguamento dei servizi agli standard family")
        PILOT = "pilot", _("Progetti sperimentali")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Programmata")
        IN_PROGRESS = "in_progress", _("In corso")
        COMPLETED = "completed", _("Conclusa")
        CANCELLED = "cancelled", _("Annullata")

    programme = models.ForeignKey(
        WorkProgramme,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("programma di lavoro"),
    )
    area = models.CharField(_("ambito"), max_length=20, choices=Area.choices)
    title = models.CharField(_("titolo"), max_length=255)
    description = models.TextField(_("descrizione"), blank=True)
    lead_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="led_actions",
        verbose_name=_("organizzazione capofila"),
    )
    partners = models.ManyToManyField(
        Organization, related_name="actions", blank=True, verbose_name=_("partner coinvolti")
    )
    subgroup = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("sotto-gruppo"),
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)
    services = models.ManyToManyField(
        WelfareService, related_name="actions", blank=True, verbose_name=_("servizi collegati")
    )

    class Meta:
        verbose_name = _("azione")
        verbose_name_plural = _("azioni")
        ordering = ["programme", "area", "position", "title"]
        indexes = [models.Index(fields=["programme", "area"])]

    def __str__(self):
        return self.title
