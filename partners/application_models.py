"""Applications to join the district and the messages exchanged about them.

Imported by partners.models (at its end), so Django registers these models with the
partners app; import them from partners.models like every other model of the app.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import DESCRIPTION_MAX_LENGTH, NOTES_MAX_LENGTH, BoundedTextField
from common.private_files import private_storage
from partners.models import Certification, Organization, _date_errors, hash_invitation_token


class MembershipApplicationQuerySet(models.QuerySet):
    def open(self):
        """Applications still under way: not yet approved or rejected."""
        return self.filter(status__in=MembershipApplication.OPEN_STATUSES)

    def confirmed_open(self):
        """Open applications whose applicant confirmed the e-mail address: those that count."""
        return self.open().exclude(status=MembershipApplication.Status.UNCONFIRMED)

    def with_status_token(self, raw_token: str):
        """The application whose private status link carries this token (compared by hash)."""
        return self.filter(status_token_hash=hash_invitation_token(raw_token))


class MembershipApplication(models.Model):
    """An organisation asking to join the district, reviewed by the coordinator.

    Applications come from the public page /aderisci/ (the applicant confirms the e-mail
    address, then follows the application at a private link whose token is stored only as
    its hash) or are typed in by the coordinator.
    """

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Awaiting e-mail confirmation")
        SUBMITTED = "submitted", _("Submitted")
        INFO_REQUESTED = "info_requested", _("More information requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Sector(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    class SizeClass(models.TextChoices):
        # The Family Audit's own classes (not the EU bands of Organization.HeadcountBand).
        SMALL = "small", _("Small (up to 15 employees)")
        MEDIUM = "medium", _("Medium (16 to 100 employees)")
        LARGE = "large", _("Large (more than 100 employees)")

    OPEN_STATUSES = (Status.UNCONFIRMED, Status.SUBMITTED, Status.INFO_REQUESTED)
    # The Family Audit phases an applicant can be in (consolidation comes later).
    APPLICANT_PHASES = (
        Certification.Phase.PROCESS,
        Certification.Phase.FAMILY_AUDIT,
        Certification.Phase.EXECUTIVE,
        Certification.Phase.MAINTENANCE,
    )
    MAX_DOMAINS = 10

    organization_name = models.CharField(_("applicant organisation"), max_length=200)
    kind = models.CharField(_("legal form"), max_length=30, choices=Organization.Kind.choices)
    sector = models.CharField(
        _("public or private"), max_length=10, choices=Sector.choices, blank=True
    )
    size_class = models.CharField(
        _("size class"), max_length=10, choices=SizeClass.choices, blank=True
    )
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact person's email"))
    certification_phase = models.CharField(
        _("Family Audit phase"),
        max_length=20,
        choices=[(phase.value, phase.label) for phase in APPLICANT_PHASES],
        blank=True,
    )
    certification_reference = models.CharField(
        _("Family Audit certification reference"), max_length=200, blank=True
    )
    certification_registered_on = models.DateField(
        _("Family Audit application date"), null=True, blank=True
    )
    certification_granted_on = models.DateField(_("certificate grant date"), null=True, blank=True)
    certification_expires_on = models.DateField(_("certificate expiry date"), null=True, blank=True)
    certificate = models.FileField(
        _("certificate (PDF)"),
        upload_to="applications/",
        storage=private_storage,
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    email_domains = BoundedTextField(
        _("employees' e-mail domains"),
        max_length=1000,
        blank=True,
        help_text=_("One per line, e.g. fbk.eu."),
    )
    motivation = BoundedTextField(_("motivation"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    status_token_hash = models.CharField(
        _("status link hash"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_notes = BoundedTextField(_("review notes"), max_length=NOTES_MAX_LENGTH, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("created organisation"),
    )

    objects = MembershipApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["unconfirmed", "submitted", "info_requested"])
                | Q(reviewed_at__isnull=False),
                name="application_reviewed_has_date",
                violation_error_message=_("A reviewed application must have a review date."),
            ),
            models.CheckConstraint(
                condition=Q(certification_granted_on__isnull=True)
                | Q(certification_registered_on__isnull=True)
                | Q(certification_granted_on__gte=F("certification_registered_on")),
                name="application_granted_after_registered",
                violation_error_message=_(
                    "The grant date cannot be earlier than the application date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(certification_expires_on__isnull=True)
                | Q(certification_granted_on__isnull=True)
                | Q(certification_expires_on__gt=F("certification_granted_on")),
                name="application_expires_after_granted",
                violation_error_message=_("The expiry date must be later than the grant date."),
            ),
        ]

    def __str__(self):
        return self.organization_name

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_certified(self):
        """The applicant already holds a Family Audit certificate (any phase after the process)."""
        return bool(self.certification_phase) and (
            self.certification_phase != Certification.Phase.PROCESS
        )

    def domain_list(self) -> list[str]:
        return [line.strip() for line in self.email_domains.split() if line.strip()]

    def clean(self):
        """The Family Audit data of one application make sense together.

        Since March 2025 private organisations can no longer start the Family Audit
        process: a private applicant must already hold the certificate.
        """
        super().clean()
        errors = _date_errors(
            self,
            (
                "certification_registered_on",
                "certification_granted_on",
                "certification_expires_on",
            ),
            not_future=("certification_registered_on", "certification_granted_on"),
        )
        if (
            self.sector == self.Sector.PRIVATE
            and self.certification_phase == Certification.Phase.PROCESS
        ):
            errors.setdefault(
                "certification_phase",
                _(
                    "Since March 2025 private organisations can no longer start the Family "
                    "Audit process: a private organisation can join the district once it "
                    "holds the Family Audit certificate."
                ),
            )
        if self.is_certified and self.certification_granted_on is None:
            errors.setdefault(
                "certification_granted_on",
                _("Enter the date the certificate was granted."),
            )
        if errors:
            raise ValidationError(errors)


class ApplicationMessage(models.Model):
    """A question of the coordinator about an application, or the applicant's answer."""

    class Author(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        APPLICANT = "applicant", _("Applicant")

    application = models.ForeignKey(
        MembershipApplication,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("membership application"),
    )
    author = models.CharField(_("from"), max_length=20, choices=Author.choices)
    text = BoundedTextField(_("text"), max_length=NOTES_MAX_LENGTH)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application message")
        verbose_name_plural = _("application messages")
        ordering = ["application", "created_at", "pk"]

    def __str__(self):
        return f"{self.application} — {self.get_author_display()}"
