from django.conf import settings
from django.db import models
from django.db.models import Exists, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Affiliation, Organization


class Category(models.Model):
    name = models.CharField(_("nome"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("descrizione"), blank=True)
    icon = models.CharField(
        _("icona"),
        max_length=60,
        blank=True,
        help_text=_("Nome di un'icona Bootstrap Italia, es. it-horn."),
    )
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("categoria")
        verbose_name_plural = _("categorie")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Audience(models.Model):
    """Who a service is meant for: children by age band, families, the elderly, everyone."""

    code = models.SlugField(_("codice"), max_length=30, unique=True)
    name = models.CharField(_("nome"), max_length=100)
    position = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("destinatari")
        verbose_name_plural = _("destinatari")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class WelfareServiceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=WelfareService.Status.PUBLISHED)

    def available_on(self, day):
        return self.filter(
            Q(available_from__isnull=True) | Q(available_from__lte=day),
            Q(available_until__isnull=True) | Q(available_until__gte=day),
        )

    def visible_to(self, user):
        """The one rule for who may see a published service.

        Every page, feed, sitemap and export lists services through this method.
        Visitors see services open to everyone; verified employees of an active partner
        also see those for all partners' employees, and those reserved to their own
        organisation. Services of providers that are not active members are hidden.
        """
        visible = self.published().filter(
            provider__membership_status=Organization.MembershipStatus.ACTIVE
        )
        if user is None or not user.is_authenticated:
            return visible.filter(eligibility=WelfareService.Eligibility.EVERYONE)
        if user.is_staff:
            return visible
        memberships = Affiliation.objects.current().filter(
            user=user,
            organization__membership_status=Organization.MembershipStatus.ACTIVE,
        )
        reserved_to_members = WelfareService.eligible_organizations.through.objects.filter(
            organization_id__in=memberships.values("organization_id")
        ).values("welfareservice_id")
        return visible.filter(
            Q(eligibility=WelfareService.Eligibility.EVERYONE)
            | (Q(eligibility=WelfareService.Eligibility.ALL_PARTNERS) & Exists(memberships))
            | Q(eligibility=WelfareService.Eligibility.CHOSEN_PARTNERS, pk__in=reserved_to_members)
        )


class WelfareService(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        PUBLISHED = "published", _("Pubblicato")
        ARCHIVED = "archived", _("Archiviato")

    class Eligibility(models.TextChoices):
        EVERYONE = "everyone", _("Aperto a tutti")
        ALL_PARTNERS = "all_partners", _("Dipendenti di tutte le organizzazioni del Distretto")
        CHOSEN_PARTNERS = "chosen_partners", _("Dipendenti di organizzazioni scelte")

    class Cost(models.TextChoices):
        FREE = "free", _("Gratuito")
        DISCOUNTED = "discounted", _("Scontato / a condizioni agevolate")
        PAID = "paid", _("A pagamento")

    provider = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organizzazione che offre il servizio"),
    )
    title = models.CharField(_("titolo"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.CharField(_("sintesi"), max_length=300)
    description = models.TextField(_("descrizione"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="services", verbose_name=_("categoria")
    )
    audiences = models.ManyToManyField(
        Audience, related_name="services", blank=True, verbose_name=_("destinatari")
    )
    eligibility = models.CharField(
        _("chi può usarlo"),
        max_length=20,
        choices=Eligibility.choices,
        default=Eligibility.EVERYONE,
    )
    eligible_organizations = models.ManyToManyField(
        Organization,
        related_name="reserved_services",
        blank=True,
        verbose_name=_("organizzazioni ammesse"),
        help_text=_("Solo per i servizi riservati ai dipendenti di organizzazioni scelte."),
    )
    cost = models.CharField(_("costo"), max_length=20, choices=Cost.choices)
    cost_conditions = models.TextField(_("condizioni economiche"), blank=True)
    address = models.CharField(_("indirizzo"), max_length=255, blank=True)
    area = models.CharField(_("zona"), max_length=100, blank=True)
    is_online = models.BooleanField(_("anche online"), default=False)
    contact_email = models.EmailField(_("e-mail di contatto"), blank=True)
    contact_phone = models.CharField(_("telefono"), max_length=40, blank=True)
    booking_url = models.URLField(_("link per la prenotazione"), blank=True)
    available_from = models.DateField(_("disponibile dal"), null=True, blank=True)
    available_until = models.DateField(_("disponibile fino al"), null=True, blank=True)
    image = models.ImageField(_("immagine"), upload_to="services/", blank=True)
    image_alt = models.CharField(_("testo alternativo dell'immagine"), max_length=200, blank=True)
    status = models.CharField(
        _("stato"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    is_featured = models.BooleanField(_("in evidenza"), default=False)
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True)
    last_verified_on = models.DateField(_("verificato il"), null=True, blank=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("creato da"),
    )

    objects = WelfareServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("servizio di welfare")
        verbose_name_plural = _("servizi di welfare")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "eligibility"]),
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["cost"]),
            models.Index(fields=["area"]),
            models.Index(fields=["available_from", "available_until"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=F("available_from")),
                name="service_available_period_order",
                violation_error_message=_(
                    "La fine della disponibilità non può precedere l'inizio."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="service_published_has_date",
                violation_error_message=_("Un servizio pubblicato deve avere la data di pubblicazione."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("services:service-detail", kwargs={"slug": self.slug})

    def is_available(self, day=None):
        day = day or timezone.localdate()
        return (self.available_from is None or self.available_from <= day) and (
            self.available_until is None or self.available_until >= day
        )


class ServiceRequest(models.Model):
    """An employee's interest in, or booking of, a service, and the provider's answer."""

    class Kind(models.TextChoices):
        INTEREST = "interest", _("Manifestazione di interesse")
        BOOKING = "booking", _("Richiesta di prenotazione")

    class Status(models.TextChoices):
        OPEN = "open", _("In attesa di risposta")
        ACCEPTED = "accepted", _("Accettata")
        DECLINED = "declined", _("Non accolta")
        MORE_INFO = "more_info", _("Servono altre informazioni")

    service = models.ForeignKey(
        WelfareService,
        on_delete=models.CASCADE,
        related_name="requests",
        verbose_name=_("servizio"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("richiedente"),
    )
    requester_organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organizzazione del richiedente"),
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices, default=Kind.INTEREST)
    message = models.TextField(_("messaggio"), max_length=2000, blank=True)
    status = models.CharField(_("stato"), max_length=20, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("risposta"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("risposta di"),
    )
    answered_at = models.DateTimeField(_("risposta il"), null=True, blank=True)
    created_at = models.DateTimeField(_("inviata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("richiesta di servizio")
        verbose_name_plural = _("richieste di servizio")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["service", "status"])]

    def __str__(self):
        return f"{self.service} — {self.get_status_display()}"


class SavedService(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_services",
        verbose_name=_("utente"),
    )
    service = models.ForeignKey(
        WelfareService,
        on_delete=models.CASCADE,
        related_name="saved_by",
        verbose_name=_("servizio"),
    )
    saved_at = models.DateTimeField(_("salvato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("servizio salvato")
        verbose_name_plural = _("servizi salvati")
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="savedservice_unique"),
        ]
