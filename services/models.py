import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import (
    LONG_DESCRIPTION_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    NOTES_MAX_LENGTH,
    BoundedTextField,
)
from common.translation import in_reader_language
from common.validators import web_url_validator
from partners.models import Organization
from partners.rules import is_coordinator, member_affiliations

# A published service whose information nobody confirmed for this long needs checking.
SERVICE_CHECK_AFTER_DAYS = 180
# A request still unanswered after this many days is overdue.
REQUEST_WAITING_DAYS = 7


def _needs_check_q(today: datetime.date) -> Q:
    limit = today - datetime.timedelta(days=SERVICE_CHECK_AFTER_DAYS)
    return Q(status=WelfareService.Status.PUBLISHED) & (
        Q(last_verified_on__lt=limit)
        | Q(last_verified_on__isnull=True, published_at__date__lt=limit)
    )


def _ended_q(today: datetime.date) -> Q:
    return Q(available_until__lt=today)


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(
        _("name in English"),
        max_length=100,
        blank=True,
        help_text=_("Shown on the English pages; left empty, they show the Italian name."),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = BoundedTextField(_("description"), max_length=NOTES_MAX_LENGTH, blank=True)
    icon = models.CharField(
        _("icon"),
        max_length=60,
        blank=True,
        help_text=_("Name of a Bootstrap Italia icon, e.g. it-horn."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self):
        return in_reader_language(self, "name")


class Audience(models.Model):
    """Who a service is meant for: children by age band, families, the elderly, everyone."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(
        _("name in English"),
        max_length=100,
        blank=True,
        help_text=_("Shown on the English pages; left empty, they show the Italian name."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["position", "name"]

    def __str__(self):
        return in_reader_language(self, "name")


class WelfareServiceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=WelfareService.Status.PUBLISHED)

    def available_on(self, day):
        return self.filter(
            Q(available_from__isnull=True) | Q(available_from__lte=day),
            Q(available_until__isnull=True) | Q(available_until__gte=day),
        )

    def ended(self, today: datetime.date | None = None):
        """A service has ended once the last day of its availability period is past.

        The one rule for "ended": such a service is neither featured nor open to requests.
        """
        return self.filter(_ended_q(today or timezone.localdate()))

    def not_ended(self, today: datetime.date | None = None):
        """Services still running or not yet started (the opposite of `ended`)."""
        return self.exclude(_ended_q(today or timezone.localdate()))

    def needing_check(self, today: datetime.date | None = None):
        """A service needs checking when it is published and nobody confirmed its information
        (or published it) in the last SERVICE_CHECK_AFTER_DAYS days."""
        return self.filter(_needs_check_q(today or timezone.localdate()))

    def with_needs_check(self, today: datetime.date | None = None):
        """Annotate ``needs_check``, the rule of `needing_check`, on every row."""
        rule = _needs_check_q(today or timezone.localdate())
        return self.annotate(needs_check=ExpressionWrapper(rule, output_field=BooleanField()))

    def visible_to(self, user):
        """The one rule for who may see a published service.

        Every page, feed, sitemap and export lists services through this method.
        Visitors see services open to everyone; members of an active partner
        (partners.rules.member_affiliations) also see those for all partners' employees,
        and those reserved to their own organisation; the coordinator sees every one.
        Services of providers that are not active members are hidden.
        """
        visible = self.published().filter(
            provider__membership_status=Organization.MembershipStatus.ACTIVE
        )
        if user is None or not user.is_authenticated:
            return visible.filter(eligibility=WelfareService.Eligibility.EVERYONE)
        if is_coordinator(user):
            return visible
        memberships = member_affiliations(user)
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
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Eligibility(models.TextChoices):
        EVERYONE = "everyone", _("Open to everyone")
        ALL_PARTNERS = "all_partners", _("Employees of all the organisations of the District")
        CHOSEN_PARTNERS = "chosen_partners", _("Employees of selected organisations")

    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        DISCOUNTED = "discounted", _("Discounted / on favourable terms")
        PAID = "paid", _("Paid")

    provider = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organisation offering the service"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = BoundedTextField(_("description"), max_length=LONG_DESCRIPTION_MAX_LENGTH)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="services", verbose_name=_("category")
    )
    audiences = models.ManyToManyField(
        Audience, related_name="services", blank=True, verbose_name=_("audiences")
    )
    eligibility = models.CharField(
        _("who can use it"),
        max_length=20,
        choices=Eligibility.choices,
        default=Eligibility.EVERYONE,
    )
    eligible_organizations = models.ManyToManyField(
        Organization,
        related_name="reserved_services",
        blank=True,
        verbose_name=_("eligible organisations"),
        help_text=_("Only for services reserved for employees of selected organisations."),
    )
    cost = models.CharField(_("cost"), max_length=20, choices=Cost.choices)
    cost_conditions = BoundedTextField(_("pricing terms"), max_length=NOTES_MAX_LENGTH, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    area = models.CharField(_("area"), max_length=100, blank=True)
    is_online = models.BooleanField(_("also online"), default=False)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    booking_url = models.URLField(_("booking link"), blank=True)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    # Services that run only with enough sign-ups, and for a limited number of people.
    minimum_participants = models.PositiveSmallIntegerField(
        _("minimum participants"),
        null=True,
        blank=True,
        help_text=_("The service runs only if this many people book it. Leave empty if not."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("Bookings past this number join a waiting list. Leave empty if unlimited."),
    )
    signup_deadline = models.DateField(
        _("bookings close on"),
        null=True,
        blank=True,
        help_text=_("If the minimum is not reached by this day, everyone is told it will not run."),
    )
    minimum_reached_at = models.DateTimeField(_("minimum reached at"), null=True, blank=True)
    not_running_since = models.DateTimeField(
        _("cancelled for too few bookings at"), null=True, blank=True
    )
    image = models.ImageField(_("image"), upload_to="services/", blank=True)
    image_alt = models.CharField(_("image alternative text"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    last_verified_on = models.DateField(_("last verified on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    # What the provider describes: the partner area's form, the admin's and the actions use
    # this one list (many-to-many fields and the image are saved apart by the actions).
    PROVIDER_FIELDS = (
        "title",
        "summary",
        "description",
        "category",
        "audiences",
        "eligibility",
        "eligible_organizations",
        "cost",
        "cost_conditions",
        "address",
        "area",
        "is_online",
        "contact_email",
        "contact_phone",
        "booking_url",
        "available_from",
        "available_until",
        "minimum_participants",
        "capacity",
        "signup_deadline",
        "image",
        "image_alt",
    )

    objects = WelfareServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("welfare service")
        verbose_name_plural = _("welfare services")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "eligibility"]),
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["cost"]),
            models.Index(fields=["area"]),
            models.Index(fields=["available_from", "available_until"]),
            # The orders pages list services in: the home page's "recently updated", a
            # partner's page (by title), the catalogue and the admin by title.
            models.Index(fields=["-updated_at"], name="service_recently_updated"),
            models.Index(fields=["provider", "title"], name="service_provider_title"),
            models.Index(fields=["title", "id"], name="service_title"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=F("available_from")),
                name="service_available_period_order",
                violation_error_message=_(
                    "The end of availability cannot be earlier than its start."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="service_published_has_date",
                violation_error_message=_("A published service must have a publication date."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True)
                | Q(minimum_participants__isnull=True)
                | Q(capacity__gte=F("minimum_participants")),
                name="service_capacity_covers_minimum",
                violation_error_message=_(
                    "The places cannot be fewer than the minimum participants."
                ),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="service_capacity_positive",
                violation_error_message=_("A service with places has at least one."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("services:service-detail", kwargs={"slug": self.slug})

    @property
    def counts_places(self) -> bool:
        """Bookings take places (and may wait) when the service has a minimum or places."""
        return self.capacity is not None or self.minimum_participants is not None

    # Minimum lengths, so that a listing tells employees what they would get.
    TITLE_MIN_LENGTH = 5
    SUMMARY_MIN_LENGTH = 20
    DESCRIPTION_MIN_LENGTH = 40

    def clean(self):
        """The rules a service obeys whoever saves it (partner area, admin, demo loader)."""
        super().clean()
        errors = {}

        def text(name):
            return (getattr(self, name) or "").strip()

        title, summary, description = text("title"), text("summary"), text("description")
        if title and len(title) < self.TITLE_MIN_LENGTH:
            errors["title"] = _("The title must be at least 5 characters long.")
        if summary and len(summary) < self.SUMMARY_MIN_LENGTH:
            errors["summary"] = ValidationError(
                _("The summary must be at least %(min)s characters long (it has %(n)s)."),
                params={"min": self.SUMMARY_MIN_LENGTH, "n": len(summary)},
            )
        if description and len(description) < self.DESCRIPTION_MIN_LENGTH:
            errors["description"] = ValidationError(
                _(
                    "The description must be at least %(min)s characters long: explain what "
                    "the service offers and how to access it."
                ),
                params={"min": self.DESCRIPTION_MIN_LENGTH},
            )
        if self.cost in {self.Cost.DISCOUNTED, self.Cost.PAID} and not text("cost_conditions"):
            errors["cost_conditions"] = _(
                "Explain the prices or the discount and who is entitled to it."
            )
        if not text("address") and not self.is_online:
            errors["address"] = _(
                "Enter where the service takes place, or tick “Also available online”."
            )
        if self.booking_url:
            try:
                web_url_validator(self.booking_url)
            except ValidationError as error:
                errors["booking_url"] = error
        if not any(text(name) for name in ("contact_email", "contact_phone", "booking_url")):
            errors["contact_email"] = _(
                "Give at least one way to get in touch: e-mail, phone or booking link."
            )
        start, end = self.available_from, self.available_until
        if start and end and end < start:
            errors["available_until"] = _("The end of the availability cannot be before its start.")
        if self.image and not text("image_alt"):
            errors["image_alt"] = _("Describe the image for people who cannot see it.")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def clean_eligible_organizations(cls, eligibility: str, organizations) -> None:
        """A service reserved to chosen organisations names at least one of them.

        (A many-to-many rule, so forms call it with their cleaned data: ``Model.clean()``
        runs before the relation is saved.)
        """
        if eligibility == cls.Eligibility.CHOSEN_PARTNERS and not organizations:
            raise ValidationError(
                {
                    "eligible_organizations": _(
                        "Choose at least one organisation whose employees can use the service."
                    )
                }
            )

    def has_ended(self, today: datetime.date | None = None) -> bool:
        """The rule of `WelfareServiceQuerySet.ended` for one service already loaded."""
        today = today or timezone.localdate()
        return self.available_until is not None and self.available_until < today

    def is_available(self, day=None):
        day = day or timezone.localdate()
        return (self.available_from is None or self.available_from <= day) and (
            self.available_until is None or self.available_until >= day
        )


class ServiceRequestQuerySet(models.QuerySet):
    def holding_places(self):
        """Bookings that hold one of a service's places: taken, or offered and not yet
        confirmed (an offered place is kept for the person it was offered to)."""
        return self.filter(place__in=ServiceRequest.PLACE_HOLDING).exclude(
            status__in=[ServiceRequest.Status.DECLINED, ServiceRequest.Status.WITHDRAWN]
        )

    def overdue(self, now: datetime.datetime | None = None):
        """Requests still waiting for the provider's answer after REQUEST_WAITING_DAYS days."""
        now = now or timezone.now()
        return self.filter(
            status=ServiceRequest.Status.OPEN,
            created_at__lt=now - datetime.timedelta(days=REQUEST_WAITING_DAYS),
        )


class ServiceRequest(models.Model):
    """An employee's interest in, or booking of, a service, and the provider's answer."""

    class Kind(models.TextChoices):
        INTEREST = "interest", _("Expression of interest")
        BOOKING = "booking", _("Booking request")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting reply")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        MORE_INFO = "more_info", _("More information needed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Place(models.TextChoices):
        """A booking's place, for services with a minimum or a number of places."""

        NONE = "", _("No place counted")
        TAKEN = "taken", _("Has a place")
        WAITING = "waiting", _("On the waiting list")
        OFFERED = "offered", _("Place offered, to confirm")
        RELEASED = "released", _("Place given up")

    PLACE_HOLDING = (Place.TAKEN, Place.OFFERED)

    service = models.ForeignKey(
        WelfareService,
        on_delete=models.CASCADE,
        related_name="requests",
        verbose_name=_("service"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("requester"),
    )
    requester_organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requester's organisation"),
    )
    kind = models.CharField(
        _("request type"), max_length=20, choices=Kind.choices, default=Kind.INTEREST
    )
    message = BoundedTextField(_("message"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    answer = BoundedTextField(_("answer"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    place = models.CharField(
        _("place"), max_length=10, choices=Place.choices, default=Place.NONE, blank=True
    )
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["service", "status"])]
        constraints = [
            # One open request per person and service, even when two submits race.
            models.UniqueConstraint(
                fields=["service", "requester"],
                condition=Q(status="open"),
                name="servicerequest_one_open_per_requester_and_service",
                violation_error_message=_(
                    "This person already has a request for this service awaiting an answer."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.service} — {self.get_status_display()}"


class SavedService(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_services",
        verbose_name=_("user"),
    )
    service = models.ForeignKey(
        WelfareService,
        on_delete=models.CASCADE,
        related_name="saved_by",
        verbose_name=_("service"),
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved service")
        verbose_name_plural = _("saved services")
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="savedservice_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.service}"


class SynonymGroup(models.Model):
    """Words people use for the same thing, so that the catalogue's search finds it by any.

    Seeded from ``services/search_synonyms.toml``; the coordinator edits the list in the admin.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    terms = BoundedTextField(
        _("terms"),
        max_length=NOTES_MAX_LENGTH,
        help_text=_(
            "One word or expression per line, e.g. “centro estivo”, “colonia”, “summer camp”. "
            "A search for any of them also finds the others; case, accents and the final "
            "vowel (singular or plural) do not matter."
        ),
    )
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    class Meta:
        verbose_name = _("search synonym group")
        verbose_name_plural = _("search synonyms")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def term_list(self) -> list[str]:
        from .thesaurus import split_terms

        return split_terms(self.terms)

    def clean(self):
        from .thesaurus import MAX_TERM_LENGTH, MAX_TERMS_PER_GROUP, MIN_TERMS_PER_GROUP

        super().clean()
        terms = self.term_list()
        if len(terms) < MIN_TERMS_PER_GROUP:
            raise ValidationError(
                {"terms": _("Write at least two different words or expressions, one per line.")}
            )
        if len(terms) > MAX_TERMS_PER_GROUP:
            raise ValidationError(
                {
                    "terms": ValidationError(
                        _("A group may hold at most %(max)s terms: split it in two."),
                        params={"max": MAX_TERMS_PER_GROUP},
                    )
                }
            )
        too_long = [term for term in terms if len(term) > MAX_TERM_LENGTH]
        if too_long:
            raise ValidationError(
                {
                    "terms": ValidationError(
                        _("Each term may be at most %(max)s characters long: %(terms)s."),
                        params={"max": MAX_TERM_LENGTH, "terms": ", ".join(too_long)},
                    )
                }
            )
        # Stored tidy: one term a line, duplicates and blank lines removed.
        self.terms = "\n".join(terms)


# The yearly needs survey (services/needs_models.py) belongs to this app.
from services.needs_models import AgeBand, NeedsAnswer, NeedsSurvey  # noqa: E402, F401
