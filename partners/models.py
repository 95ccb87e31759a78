"""The hub of the domain: organisations of the district and the people who belong to them.

Other apps point here; nothing here imports another app of the project.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrganizationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(membership_status=Organization.MembershipStatus.ACTIVE)

    def partners(self):
        return self.filter(role=Organization.Role.PARTNER)

    def public(self):
        """Organisations a visitor may see: active or suspended members, not applicants."""
        return self.filter(
            membership_status__in=[
                Organization.MembershipStatus.ACTIVE,
                Organization.MembershipStatus.SUSPENDED,
            ]
        )


class Organization(models.Model):
    class Kind(models.TextChoices):
        PUBLIC_BODY = "public_body", _("Ente pubblico")
        COMPANY = "company", _("Impresa")
        COOPERATIVE = "cooperative", _("Cooperativa")
        SOCIAL_COOPERATIVE = "social_cooperative", _("Cooperativa sociale")
        FOUNDATION = "foundation", _("Fondazione")
        UNIVERSITY = "university", _("Università")
        APSP = "apsp", _("APSP (Azienda pubblica di servizi alla persona)")
        ASSOCIATION = "association", _("Associazione")
        OTHER = "other", _("Altro")

    class MembershipStatus(models.TextChoices):
        APPLICANT = "applicant", _("Candidata")
        ACTIVE = "active", _("Attiva")
        SUSPENDED = "suspended", _("Sospesa")
        WITHDRAWN = "withdrawn", _("Receduta")

    class Role(models.TextChoices):
        PARTNER = "partner", _("Partner")
        INSTITUTIONAL = "institutional", _("Ruolo istituzionale")

    class HeadcountBand(models.TextChoices):
        MICRO = "micro", _("Micro (meno di 10 addetti)")
        SMALL = "small", _("Piccola (10–49 addetti)")
        MEDIUM = "medium", _("Media (50–249 addetti)")
        LARGE = "large", _("Grande (250 addetti e oltre)")

    name = models.CharField(_("nome"), max_length=200, unique=True)
    short_name = models.CharField(_("nome breve"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("tipologia"), max_length=30, choices=Kind.choices)
    role = models.CharField(
        _("ruolo nel Distretto"), max_length=20, choices=Role.choices, default=Role.PARTNER
    )
    description = models.TextField(_("descrizione"), blank=True)
    website = models.URLField(_("sito web"), blank=True)
    contact_email = models.EmailField(_("e-mail di contatto"), blank=True)
    contact_phone = models.CharField(_("telefono"), max_length=40, blank=True)
    address = models.CharField(_("indirizzo"), max_length=255, blank=True)
    area = models.CharField(
        _("zona"), max_length=100, blank=True, help_text=_("Quartiere o circoscrizione, es. Povo.")
    )
    latitude = models.DecimalField(
        _("latitudine"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitudine"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    headcount_band = models.CharField(
        _("classe dimensionale"), max_length=10, choices=HeadcountBand.choices, blank=True
    )
    membership_status = models.CharField(
        _("stato dell'adesione"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.APPLICANT,
    )
    joined_on = models.DateField(_("data di adesione"), null=True, blank=True)
    left_on = models.DateField(_("data di recesso"), null=True, blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
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
                    "La data di recesso non può precedere la data di adesione."
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

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def is_active(self):
        return self.membership_status == self.MembershipStatus.ACTIVE


domain_validator = RegexValidator(
    r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Inserisci un dominio valido in minuscolo, senza @ (es. fbk.eu)."),
)


class EmailDomain(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="email_domains",
        verbose_name=_("organizzazione"),
    )
    domain = models.CharField(
        _("dominio"), max_length=253, unique=True, validators=[domain_validator]
    )

    class Meta:
        verbose_name = _("dominio e-mail")
        verbose_name_plural = _("domini e-mail")
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=models.functions.Lower("domain")),
                name="emaildomain_lowercase",
                violation_error_message=_("Il dominio va scritto in minuscolo."),
            ),
        ]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@")
        super().save(*args, **kwargs)


class Certification(models.Model):
    """One step of an organisation's Family Audit path."""

    class Phase(models.TextChoices):
        PROCESS = "process", _("Processo di certificazione")
        FAMILY_AUDIT = "family_audit", _("Certificato Family Audit")
        EXECUTIVE = "executive", _("Certificato Family Audit Executive")
        MAINTENANCE = "maintenance", _("Mantenimento")
        CONSOLIDATION = "consolidation", _("Consolidamento")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In corso")
        VALID = "valid", _("Valida")
        EXPIRED = "expired", _("Scaduta")
        WITHDRAWN = "withdrawn", _("Ritirata")
        REVOKED = "revoked", _("Revocata")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="certifications",
        verbose_name=_("organizzazione"),
    )
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices)
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    registered_on = models.DateField(_("data di domanda"), null=True, blank=True)
    granted_on = models.DateField(_("data di concessione"), null=True, blank=True)
    expires_on = models.DateField(_("data di scadenza"), null=True, blank=True)
    reference = models.CharField(
        _("estremi dell'atto"),
        max_length=200,
        blank=True,
        help_text=_("Riferimento della determinazione o del certificato."),
    )
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("certificazione Family Audit")
        verbose_name_plural = _("certificazioni Family Audit")
        ordering = ["organization", "-granted_on", "-registered_on"]
        indexes = [models.Index(fields=["status", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_on__isnull=True)
                | Q(registered_on__isnull=True)
                | Q(granted_on__gte=F("registered_on")),
                name="certification_granted_after_registered",
                violation_error_message=_(
                    "La data di concessione non può precedere la data di domanda."
                ),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(granted_on__isnull=True)
                | Q(expires_on__gt=F("granted_on")),
                name="certification_expires_after_granted",
                violation_error_message=_(
                    "La data di scadenza deve seguire la data di concessione."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.get_phase_display()}"

    def is_expired(self, today=None):
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today


class AffiliationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(status=Affiliation.Status.ACTIVE)

    def referents(self):
        return self.current().filter(role=Affiliation.Role.REFERENT)

    def pending(self):
        return self.filter(status=Affiliation.Status.PENDING)


class Affiliation(models.Model):
    """A person belonging to an organisation, as employee or referent."""

    class Role(models.TextChoices):
        EMPLOYEE = "employee", _("Dipendente")
        REFERENT = "referent", _("Referente")

    class Status(models.TextChoices):
        PENDING = "pending", _("In attesa di approvazione")
        ACTIVE = "active", _("Attiva")
        REJECTED = "rejected", _("Respinta")
        ENDED = "ended", _("Terminata")

    class VerifiedVia(models.TextChoices):
        EMAIL_DOMAIN = "email_domain", _("E-mail aziendale verificata")
        REFERENT_APPROVAL = "referent_approval", _("Approvazione del referente")
        INVITATION = "invitation", _("Invito del coordinamento")
        COORDINATOR = "coordinator", _("Inserimento del coordinamento")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="affiliations",
        verbose_name=_("utente"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="affiliations",
        verbose_name=_("organizzazione"),
    )
    role = models.CharField(_("ruolo"), max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    verified_via = models.CharField(
        _("verificata tramite"), max_length=20, choices=VerifiedVia.choices, blank=True
    )
    verified_at = models.DateTimeField(_("verificata il"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verificata da"),
    )
    request_message = models.TextField(_("messaggio della richiesta"), blank=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    ended_at = models.DateTimeField(_("terminata il"), null=True, blank=True)

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = _("affiliazione")
        verbose_name_plural = _("affiliazioni")
        ordering = ["organization", "user"]
        indexes = [models.Index(fields=["organization", "status", "role"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(status__in=["pending", "active"]),
                name="affiliation_one_open_per_user_and_organization",
                violation_error_message=_(
                    "Questa persona ha già un'affiliazione aperta con l'organizzazione."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(verified_at__isnull=False),
                name="affiliation_active_is_verified",
                violation_error_message=_("Un'affiliazione attiva deve avere la data di verifica."),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organization} ({self.get_role_display()})"


class MembershipApplication(models.Model):
    """An organisation asking to join the district, reviewed by the coordinator."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Ricevuta")
        APPROVED = "approved", _("Approvata")
        REJECTED = "rejected", _("Respinta")

    organization_name = models.CharField(_("organizzazione richiedente"), max_length=200)
    kind = models.CharField(_("tipologia"), max_length=30, choices=Organization.Kind.choices)
    contact_name = models.CharField(_("referente"), max_length=200)
    contact_email = models.EmailField(_("e-mail del referente"))
    certification_reference = models.CharField(
        _("estremi della certificazione Family Audit"), max_length=200, blank=True
    )
    motivation = models.TextField(_("motivazione"), blank=True)
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("ricevuta il"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("esaminata il"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("esaminata da"),
    )
    review_notes = models.TextField(_("note dell'esame"), blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("organizzazione creata"),
    )

    class Meta:
        verbose_name = _("domanda di adesione")
        verbose_name_plural = _("domande di adesione")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(reviewed_at__isnull=False),
                name="application_reviewed_has_date",
                violation_error_message=_("Una domanda esaminata deve avere la data di esame."),
            ),
        ]

    def __str__(self):
        return self.organization_name
