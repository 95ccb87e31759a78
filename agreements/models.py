from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models import Organization


class AgreementQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class Agreement(models.Model):
    class Kind(models.TextChoices):
        AREA = "area", _("Accordo volontario di area")
        OBJECTIVE = "objective", _("Accordo volontario di obiettivo")
        PARTNERSHIP = "partnership", _("Accordo di partenariato")

    kind = models.CharField(_("tipologia"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titolo"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    signed_on = models.DateField(_("data di sottoscrizione"))
    signed_on_precision = models.CharField(
        _("precisione della data"),
        max_length=5,
        choices=[("day", _("giorno")), ("month", _("mese")), ("year", _("anno"))],
        default="day",
        help_text=_("Per accordi di cui si conosce solo il mese o l'anno di firma."),
    )
    valid_from = models.DateField(_("valido dal"), null=True, blank=True)
    valid_until = models.DateField(_("valido fino al"), null=True, blank=True)
    summary = models.TextField(_("sintesi"), blank=True)
    document = models.FileField(
        _("documento firmato (PDF)"),
        upload_to="agreements/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    is_public = models.BooleanField(
        _("pubblico"), default=True, help_text=_("Visibile sul portale pubblico.")
    )
    document_is_public = models.BooleanField(
        _("documento scaricabile dal pubblico"), default=True
    )
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("accordo precedente"),
    )
    signatories = models.ManyToManyField(
        Organization,
        through="Signature",
        related_name="agreements",
        verbose_name=_("firmatari"),
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("accordo")
        verbose_name_plural = _("accordi")
        ordering = ["-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="agreement_valid_period_order",
                violation_error_message=_("La fine della validità non può precedere l'inizio."),
            ),
            models.CheckConstraint(
                condition=Q(predecessor__isnull=True) | ~Q(predecessor=F("pk")),
                name="agreement_not_own_predecessor",
                violation_error_message=_("Un accordo non può precedere se stesso."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:agreement-detail", kwargs={"slug": self.slug})


class Signature(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("accordo")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("organizzazione"),
    )
    signed_on = models.DateField(_("data di firma"))
    withdrawn_on = models.DateField(_("data di recesso"), null=True, blank=True)

    class Meta:
        verbose_name = _("firma")
        verbose_name_plural = _("firme")
        ordering = ["signed_on", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organization"],
                name="signature_one_per_organization",
                violation_error_message=_("Questa organizzazione ha già firmato l'accordo."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("signed_on")),
                name="signature_withdrawn_after_signed",
                violation_error_message=_("Il recesso non può precedere la firma."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.agreement}"
