from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import DESCRIPTION_MAX_LENGTH, BoundedTextField
from common.private_files import private_storage
from partners.models import Organization
from partners.rules import is_coordinator, referent_organizations


class AgreementQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def signed_in_year(self, year: int):
        """Agreements dated in ``year`` (their own signing date)."""
        return self.filter(signed_on__year=year)

    def with_signatory_count(self):
        """Annotate ``signatory_count``: the organisations whose signature is not withdrawn
        (the agreements page and the district report)."""
        return self.annotate(
            signatory_count=Count("signatures", filter=Q(signatures__withdrawn_on__isnull=True))
        )

    def documents_visible_to(self, user):
        """The ONE rule for whose signed document a user may download.

        Anybody: a public agreement's document marked public. The coordinator: every
        document. A current referent: also the documents of the agreements their
        organisation signed (withdrawn or not), public or not.
        """
        with_document = self.exclude(document="")
        if is_coordinator(user):
            return with_document
        visible = Q(is_public=True, document_is_public=True)
        if user.is_authenticated:
            signed = Signature.objects.filter(
                agreement_id=OuterRef("pk"),
                organization_id__in=referent_organizations(user).values("pk"),
            )
            visible |= Q(Exists(signed))
        return with_document.filter(visible)


class Agreement(models.Model):
    class Kind(models.TextChoices):
        AREA = "area", _("Voluntary area agreement")
        OBJECTIVE = "objective", _("Voluntary objective agreement")
        PARTNERSHIP = "partnership", _("Partnership agreement")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    signed_on = models.DateField(_("signing date"))
    signed_on_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=[("day", _("day")), ("month", _("month")), ("year", _("year"))],
        default="day",
        help_text=_("For agreements of which only the month or year of signing is known."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    summary = BoundedTextField(_("summary"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    document = models.FileField(
        _("signed document (PDF)"),
        upload_to="agreements/",
        storage=private_storage,
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Visible on the public portal.")
    )
    document_is_public = models.BooleanField(_("document downloadable by the public"), default=True)
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("previous agreement"),
    )
    signatories = models.ManyToManyField(
        Organization,
        through="Signature",
        related_name="agreements",
        verbose_name=_("signatories"),
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="agreement_valid_period_order",
                violation_error_message=_("The end of validity cannot be earlier than its start."),
            ),
            models.CheckConstraint(
                condition=Q(predecessor__isnull=True) | ~Q(predecessor=F("pk")),
                name="agreement_not_own_predecessor",
                violation_error_message=_("An agreement cannot be its own predecessor."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:agreement-detail", kwargs={"slug": self.slug})


class SignatureQuerySet(models.QuerySet):
    def signed_in_year(self, year: int):
        """Signatures put in ``year``, to any agreement (joining an older one counts)."""
        return self.filter(signed_on__year=year)

    def withdrawn_in_year(self, year: int):
        return self.filter(withdrawn_on__year=year)


class Signature(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("agreement")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("organisation"),
    )
    signed_on = models.DateField(_("date of signature"))
    withdrawn_on = models.DateField(_("withdrawal date"), null=True, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_on", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organization"],
                name="signature_one_per_organization",
                violation_error_message=_("This organisation has already signed the agreement."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("signed_on")),
                name="signature_withdrawn_after_signed",
                violation_error_message=_("The withdrawal cannot be earlier than the signature."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.agreement}"

    def clean(self):
        """A signature falls between the agreement's date and today; a withdrawal after it."""
        super().clean()
        errors = {}
        today = timezone.localdate()
        # On the agreement's own admin page the agreement may not be saved yet.
        agreement = self.agreement if Signature.agreement.is_cached(self) else None
        if agreement is None and self.agreement_id:
            agreement = Agreement.objects.filter(pk=self.agreement_id).first()
        agreement_date = agreement.signed_on if agreement is not None else None
        if self.signed_on:
            if self.signed_on > today:
                errors["signed_on"] = _("The date of signature cannot be in the future.")
            elif agreement_date and self.signed_on < agreement_date:
                errors["signed_on"] = _(
                    "The date of signature cannot be earlier than the agreement (%(date)s)."
                ) % {"date": agreement_date.strftime("%d/%m/%Y")}
        if self.withdrawn_on:
            if self.withdrawn_on > today:
                errors["withdrawn_on"] = _("The withdrawal date cannot be in the future.")
            elif self.signed_on and self.withdrawn_on < self.signed_on:
                errors["withdrawn_on"] = _("The withdrawal cannot be earlier than the signature.")
        if errors:
            raise ValidationError(errors)
