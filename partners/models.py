"""The hub of the domain: organisations of the district and the people who belong to them.

Other apps point here; nothing here imports another app of the project.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import (
    DESCRIPTION_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    BoundedTextField,
)
from common.validators import EARLIEST_RECORD_DATE, web_url_validator
from partners.mail_domains import is_public_mail_domain


def _date_errors(record, names, *, not_future=()) -> dict:
    """Dates of the district's records: not before 1990, and some of them not in the future."""
    errors = {}
    today = timezone.localdate()
    for name in names:
        value = getattr(record, name)
        if value is None:
            continue
        if value < EARLIEST_RECORD_DATE:
            errors[name] = _("Enter a date from 1990 onwards.")
        elif name in not_future and value > today:
            errors[name] = _("This date cannot be in the future.")
    return errors


def language_choices():
    return [(code, name) for code, name in settings.LANGUAGES]


def supported_language(code: str | None) -> str:
    """``code`` if the portal is written in it ("en-gb" counts as "en"), else the site's."""
    codes = {code for code, _name in settings.LANGUAGES}
    code = (code or "").lower()
    if code in codes:
        return code
    if code.split("-")[0] in codes:
        return code.split("-")[0]
    return settings.LANGUAGE_CODE


class OrganizationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(membership_status=Organization.MembershipStatus.ACTIVE)

    def partners(self):
        return self.filter(role=Organization.Role.PARTNER)

    def public(self):
        """The district's organisations, as visitors see them: active or suspended members
        (the institutional one included), not applicants. The one definition behind the
        partners page and the home page's figure."""
        return self.filter(membership_status__in=Organization.PUBLIC_STATUSES)

    def with_current_phase(self):
        """Annotate ``current_phase``: the phase of each organisation's current certification."""
        current = Certification.objects.current().filter(organization=OuterRef("pk"))
        return self.annotate(current_phase=Subquery(current.values("phase")[:1]))


class Organization(models.Model):
    class Kind(models.TextChoices):
        PUBLIC_BODY = "public_body", _("Public body")
        COMPANY = "company", _("Company")
        COOPERATIVE = "cooperative", _("Cooperative")
        SOCIAL_COOPERATIVE = "social_cooperative", _("Social cooperative")
        FOUNDATION = "foundation", _("Foundation")
        UNIVERSITY = "university", _("University")
        APSP = "apsp", _("APSP (public personal-services agency)")
        ASSOCIATION = "association", _("Association")
        OTHER = "other", _("Other")

    class MembershipStatus(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Role(models.TextChoices):
        PARTNER = "partner", _("Partner")
        INSTITUTIONAL = "institutional", _("Institutional role")

    class HeadcountBand(models.TextChoices):
        MICRO = "micro", _("Micro (fewer than 10 employees)")
        SMALL = "small", _("Small (10–49 employees)")
        MEDIUM = "medium", _("Medium (50–249 employees)")
        LARGE = "large", _("Large (250 employees or more)")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    role = models.CharField(
        _("role in the District"), max_length=20, choices=Role.choices, default=Role.PARTNER
    )
    description = BoundedTextField(_("description"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    area = models.CharField(
        _("area"), max_length=100, blank=True, help_text=_("Neighbourhood or ward, e.g. Povo.")
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    headcount_band = models.CharField(
        _("size band"), max_length=10, choices=HeadcountBand.choices, blank=True
    )
    membership_status = models.CharField(
        _("membership status"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.APPLICANT,
    )
    joined_on = models.DateField(_("joining date"), null=True, blank=True)
    left_on = models.DateField(_("withdrawal date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Members a visitor may see (the partner directory, profile pages, links to them).
    PUBLIC_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["membership_status", "kind"]),
            models.Index(fields=["area"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=F("joined_on")),
                name="organization_left_after_joined",
                violation_error_message=_(
                    "The withdrawal date cannot be earlier than the joining date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="organization_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="organization_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:organization-detail", kwargs={"slug": self.slug})

    def clean(self):
        """A member joins on a real date (not ahead of today); its website is a web page."""
        super().clean()
        errors = _date_errors(self, ("joined_on", "left_on"), not_future=("joined_on",))
        if self.website:
            try:
                web_url_validator(self.website)
            except ValidationError as error:
                errors["website"] = error
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def has_public_page(self):
        """The same rule as `Organization.objects.public()`, for an organisation at hand."""
        return self.membership_status in self.PUBLIC_STATUSES

    @property
    def is_active(self):
        return self.membership_status == self.MembershipStatus.ACTIVE


domain_validator = RegexValidator(
    r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Enter a valid domain in lowercase, without @ (e.g. fbk.eu)."),
)


def validate_organization_mail_domain(value: str) -> None:
    """Refuse a public mail domain: its addresses say nothing about where someone works."""
    if is_public_mail_domain(value):
        raise ValidationError(
            _(
                "%(domain)s is a public mail domain (webmail, internet provider, disposable "
                "or certified PEC mail): anyone can have an address there, so it cannot "
                "prove that someone works for the organisation. Enter the organisation's "
                "own domain."
            ),
            code="public_mail_domain",
            params={"domain": value},
        )


class EmailDomain(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="email_domains",
        verbose_name=_("organisation"),
    )
    domain = models.CharField(
        _("domain"),
        max_length=253,
        unique=True,
        validators=[domain_validator, validate_organization_mail_domain],
    )

    class Meta:
        verbose_name = _("email domain")
        verbose_name_plural = _("email domains")
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=models.functions.Lower("domain")),
                name="emaildomain_lowercase",
                violation_error_message=_("The domain must be written in lowercase."),
            ),
        ]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@")
        super().save(*args, **kwargs)


# A certification expiring within this many days needs the coordinator's and referents' attention.
CERTIFICATION_WARNING_DAYS = 90


def _expires_soon_q(today: datetime.date) -> Q:
    return Q(expires_on__lte=today + datetime.timedelta(days=CERTIFICATION_WARNING_DAYS))


class CertificationQuerySet(models.QuerySet):
    def open(self):
        """Steps still on file as valid or under way (not expired, relinquished or revoked)."""
        return self.filter(status__in=Certification.OPEN_STATUSES)

    def current(self):
        """An organisation's current certification is its latest open step (by grant date,
        else application date; undated steps last): the first row per organisation."""
        return self.open().order_by(
            Coalesce("granted_on", "registered_on").desc(nulls_last=True), F("pk").desc()
        )

    def with_expiry(self, today: datetime.date | None = None):
        """Annotate ``has_expired`` and ``expires_soon`` (within CERTIFICATION_WARNING_DAYS)."""
        today = today or timezone.localdate()
        return self.annotate(
            has_expired=ExpressionWrapper(Q(expires_on__lt=today), output_field=BooleanField()),
            expires_soon=ExpressionWrapper(_expires_soon_q(today), output_field=BooleanField()),
        )

    def needing_attention(self, today: datetime.date | None = None):
        """Open certifications of active members that have expired or expire within
        CERTIFICATION_WARNING_DAYS days: the coordinator and the referents are warned."""
        today = today or timezone.localdate()
        return self.open().filter(
            _expires_soon_q(today),
            organization__membership_status=Organization.MembershipStatus.ACTIVE,
        )


class Certification(models.Model):
    """One step of an organisation's Family Audit path."""

    class Phase(models.TextChoices):
        PROCESS = "process", _("Certification process")
        FAMILY_AUDIT = "family_audit", _("Family Audit certificate")
        EXECUTIVE = "executive", _("Family Audit Executive certificate")
        MAINTENANCE = "maintenance", _("Maintenance")
        CONSOLIDATION = "consolidation", _("Consolidation")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Relinquished")
        REVOKED = "revoked", _("Revoked")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="certifications",
        verbose_name=_("organisation"),
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    registered_on = models.DateField(_("application date"), null=True, blank=True)
    granted_on = models.DateField(_("grant date"), null=True, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("Reference of the decision or of the certificate."),
    )
    notes = BoundedTextField(_("notes"), max_length=NOTES_MAX_LENGTH, blank=True)

    OPEN_STATUSES = (Status.IN_PROGRESS, Status.VALID)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Family Audit certification")
        verbose_name_plural = _("Family Audit certifications")
        ordering = ["organization", "-granted_on", "-registered_on"]
        indexes = [models.Index(fields=["status", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_on__isnull=True)
                | Q(registered_on__isnull=True)
                | Q(granted_on__gte=F("registered_on")),
                name="certification_granted_after_registered",
                violation_error_message=_(
                    "The grant date cannot be earlier than the application date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(granted_on__isnull=True)
                | Q(expires_on__gt=F("granted_on")),
                name="certification_expires_after_granted",
                violation_error_message=_("The expiry date must be later than the grant date."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.get_phase_display()}"

    def is_expired(self, today=None):
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today

    def clean(self):
        """Dates from 1990 on; the application and the grant have already happened."""
        super().clean()
        errors = _date_errors(
            self,
            ("registered_on", "granted_on", "expires_on"),
            not_future=("registered_on", "granted_on"),
        )
        if errors:
            raise ValidationError(errors)


class CertificationReminder(models.Model):
    """An expiry reminder sent to an organisation's referents: never the same one twice.

    One row per certification, stage and expiry date: a certificate renewed with a new
    expiry date gets its own reminders.
    """

    class Stage(models.IntegerChoices):
        DAYS_90 = 90, _("90 days before expiry")
        DAYS_30 = 30, _("30 days before expiry")
        EXPIRY_DAY = 0, _("On the expiry day")

    certification = models.ForeignKey(
        Certification,
        on_delete=models.CASCADE,
        related_name="expiry_reminders",
        verbose_name=_("Family Audit certification"),
    )
    stage = models.PositiveSmallIntegerField(_("reminder"), choices=Stage.choices)
    expires_on = models.DateField(_("expiry date"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(_("people told"), default=0)

    class Meta:
        verbose_name = _("certification expiry reminder")
        verbose_name_plural = _("certification expiry reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "stage", "expires_on"],
                name="certification_reminder_once",
            ),
        ]

    def __str__(self):
        return f"{self.certification} — {self.get_stage_display()}"


# Once a year an employee's affiliation is confirmed again; unconfirmed, it lapses after
# the grace period.
RECONFIRM_AFTER = datetime.timedelta(days=365)
RECONFIRM_GRACE = datetime.timedelta(days=30)


class AffiliationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(status=Affiliation.Status.ACTIVE)

    def referents(self):
        return self.current().filter(role=Affiliation.Role.REFERENT)

    def pending(self):
        return self.filter(status=Affiliation.Status.PENDING)

    def open(self):
        """Pending or active: a person has at most one open affiliation per organisation."""
        return self.filter(status__in=[Affiliation.Status.PENDING, Affiliation.Status.ACTIVE])

    def needing_reconfirmation(self, now=None):
        """Employees' affiliations confirmed more than RECONFIRM_AFTER ago and not yet asked
        again: each year the person (work address) or a referent (approved people) confirms
        that they still work there. Referents are the organisation's own contacts, kept up
        to date by the coordinator and by each other, and are not asked."""
        now = now or timezone.now()
        return (
            self.current()
            .filter(
                role=Affiliation.Role.EMPLOYEE,
                organization__membership_status=Organization.MembershipStatus.ACTIVE,
                reconfirm_requested_at__isnull=True,
            )
            .alias(last_confirmed=Coalesce("confirmed_at", "verified_at"))
            .filter(last_confirmed__lte=now - RECONFIRM_AFTER)
        )

    def awaiting_reconfirmation(self):
        """Asked to confirm again, not yet confirmed."""
        return self.current().filter(reconfirm_requested_at__isnull=False)

    def past_grace(self, now=None):
        """Asked more than RECONFIRM_GRACE ago and still not confirmed: they lapse."""
        now = now or timezone.now()
        return self.awaiting_reconfirmation().filter(
            reconfirm_requested_at__lte=now - RECONFIRM_GRACE
        )

    def lapsed(self):
        return self.filter(status=Affiliation.Status.LAPSED)


class Affiliation(models.Model):
    """A person belonging to an organisation, as employee or referent."""

    class Role(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        REFERENT = "referent", _("Referent")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        ENDED = "ended", _("Ended")
        LAPSED = "lapsed", _("Lapsed (not confirmed again)")

    class VerifiedVia(models.TextChoices):
        EMAIL_DOMAIN = "email_domain", _("Verified work email")
        REFERENT_APPROVAL = "referent_approval", _("Approved by a referent")
        INVITATION = "invitation", _("Invited by the coordinator")
        COORDINATOR = "coordinator", _("Added by the coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="affiliations",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="affiliations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    verified_via = models.CharField(
        _("verified via"), max_length=20, choices=VerifiedVia.choices, blank=True
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    request_message = BoundedTextField(_("request message"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # The yearly confirmation that the person still works there (see needing_reconfirmation).
    confirmed_at = models.DateTimeField(_("last confirmed at"), null=True, blank=True)
    reconfirm_requested_at = models.DateTimeField(_("confirmation asked at"), null=True, blank=True)
    reconfirm_token_hash = models.CharField(
        _("confirmation link hash"), max_length=64, blank=True, db_index=True, editable=False
    )

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["organization", "user"]
        indexes = [models.Index(fields=["organization", "status", "role"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(status__in=["pending", "active"]),
                name="affiliation_one_open_per_user_and_organization",
                violation_error_message=_(
                    "This person already has an open affiliation with the organisation."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(verified_at__isnull=False),
                name="affiliation_active_is_verified",
                violation_error_message=_("An active affiliation must have a verification date."),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organization} ({self.get_role_display()})"


def hash_invitation_token(raw_token: str) -> str:
    """An invitation token as stored: its SHA-256 in hex, so the database holds no working link."""
    return hashlib.sha256(raw_token.encode("utf-8", "surrogatepass")).hexdigest()


class ReferentInvitationQuerySet(models.QuerySet):
    def open(self, now=None):
        """Invitations that can still be accepted: not used and not expired."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=now or timezone.now())

    def with_token(self, raw_token: str):
        """The invitation whose link carries this token (compared by hash)."""
        return self.filter(token_hash=hash_invitation_token(raw_token))


class ReferentInvitationManager(models.Manager.from_queryset(ReferentInvitationQuerySet)):
    def create_with_token(self, **fields) -> "ReferentInvitation":
        """Create an invitation with a new random token, stored only as its hash.

        The raw token, for the e-mail's link, is on the returned object's ``raw_token``.
        """
        raw_token = secrets.token_urlsafe(32)
        invitation = self.create(token_hash=hash_invitation_token(raw_token), **fields)
        invitation.raw_token = raw_token
        return invitation


class ReferentInvitation(models.Model):
    """The coordinator's invitation to become referent of an organisation.

    The e-mail carries a link with a random token, of which only the hash is stored; the
    invitation is accepted when the invitee signs up or signs in with the invited address
    (see partners.actions.invitation_accept).
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="referent_invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("email address"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    # The invitee may have no account, hence no preference: the coordinator chooses.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=language_choices,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the invitation e-mail."),
    )

    objects = ReferentInvitationManager()

    class Meta:
        verbose_name = _("referent invitation")
        verbose_name_plural = _("referent invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email", "accepted_at"])]

    def __str__(self):
        return f"{self.email} — {self.organization}"

    def is_expired(self, now=None):
        return self.expires_at <= (now or timezone.now())

    @property
    def is_accepted(self):
        return self.accepted_at is not None


class PersonQuerySet(models.QuerySet):
    def languages_for(self, addresses) -> dict[str, str]:
        """The language chosen by the owner of each address (lowercase) that has one; an
        address is matched to its account by the account's e-mail or any of its addresses
        known to allauth. Addresses of nobody, or of people who never chose, are left out."""
        from allauth.account.models import EmailAddress

        addresses = {address.lower() for address in addresses if address}
        languages: dict[str, str] = {}
        if not addresses:
            return languages
        by_user: dict[int, set[str]] = {}
        user_model = get_user_model()
        for pk, email in user_model._default_manager.filter(email__in=addresses).values_list(
            "pk", "email"
        ):
            by_user.setdefault(pk, set()).add(email.lower())
        for pk, email in EmailAddress.objects.filter(email__in=addresses).values_list(
            "user_id", "email"
        ):
            by_user.setdefault(pk, set()).add(email.lower())
        for user_id, language in self.filter(user_id__in=by_user).values_list(
            "user_id", "language"
        ):
            for address in by_user[user_id] & addresses:
                languages[address] = supported_language(language)
        return languages


class Person(models.Model):
    """What the portal keeps about a person besides their account: the language they read.

    Set from the page's language when they sign up, changed on their profile; every mail
    the portal sends them is written in it. People without a row read the site's language.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="person",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=language_choices,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the portal's e-mails to this person."),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return str(self.user)


def preferred_language(user) -> str:
    """The language ``user`` reads: their preference, else the site's language."""
    if user is None or not getattr(user, "pk", None):
        return settings.LANGUAGE_CODE
    language = Person.objects.filter(user=user).values_list("language", flat=True).first()
    return supported_language(language)


# Applications to join (partners/application_models.py) belong to this app.
from partners.application_models import (  # noqa: E402, F401
    ApplicationMessage,
    MembershipApplication,
    MembershipApplicationQuerySet,
)
