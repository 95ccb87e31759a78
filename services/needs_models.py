"""The yearly needs survey: what the verified employees of the District's partners need.

Imported by services.models, so Django registers these models with the services app.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.fields import BoundedTextField
from partners.models import Organization

COMMENT_MAX_LENGTH = 1000
INTRODUCTION_MAX_LENGTH = 2000


class AgeBand(models.TextChoices):
    """Children's age bands, as the catalogue's audiences and Italian schooling divide them."""

    INFANTS = "0-3", _("0–3 years (nursery)")
    PRESCHOOL = "3-6", _("3–6 years (pre-school)")
    PRIMARY = "6-11", _("6–11 years (primary school)")
    MIDDLE = "11-14", _("11–14 years (middle school)")
    TEENS = "14-18", _("14–18 years")


class NeedsSurveyQuerySet(models.QuerySet):
    def open_on(self, day):
        """Surveys taking answers on ``day`` (both dates included)."""
        return self.filter(opens_on__lte=day, closes_on__gte=day)


class NeedsSurvey(models.Model):
    """One survey a year, opened by the coordinator to every verified employee."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    introduction = BoundedTextField(
        _("introduction"), max_length=INTRODUCTION_MAX_LENGTH, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = NeedsSurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("needs survey")
        verbose_name_plural = _("needs surveys")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="needssurvey_closes_after_it_opens",
                violation_error_message=_("A survey closes on or after the day it opens."),
            ),
        ]

    def __str__(self):
        return str(_("Needs survey %(year)s") % {"year": self.year})

    def clean(self):
        super().clean()
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A survey closes on or after the day it opens.")})

    def is_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on


class NeedsAnswer(models.Model):
    """One person's answer to one survey, editable until the survey closes."""

    survey = models.ForeignKey(
        NeedsSurvey, on_delete=models.CASCADE, related_name="answers", verbose_name=_("survey")
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="needs_answers",
        verbose_name=_("respondent"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    categories = models.ManyToManyField(
        "services.Category", blank=True, related_name="+", verbose_name=_("welfare areas")
    )
    age_bands = models.JSONField(_("children's age bands"), default=list, blank=True)
    comment = BoundedTextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("needs answer")
        verbose_name_plural = _("needs answers")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"], name="needsanswer_one_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.survey} — {self.pk}"
