"""The back office's needs surveys: the coordinator opens one a year. Answers are personal:
they are read only in aggregate (distretto.needs_views), never one by one here."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin_helpers import ActionRefusalMixin, adopt, form_model_fields
from common.admin_input import SafeInputAdminMixin
from services import actions
from services.models import NeedsSurvey


@admin.register(NeedsSurvey)
class NeedsSurveyAdmin(SafeInputAdminMixin, ActionRefusalMixin, admin.ModelAdmin):
    list_display = ("year", "opens_on", "closes_on", "results")
    fields = ("year", "opens_on", "closes_on", "introduction")
    ordering = ("-year",)

    @admin.display(description=_("results"))
    def results(self, obj):
        url = reverse("needs-results") + f"?year={obj.year}"
        return format_html('<a href="{}">{}</a>', url, _("Needs against supply"))

    def save_model(self, request, obj, form, change):
        fields = form_model_fields(obj, form)
        if change:
            actions.needs_survey_update(survey=obj, actor=request.user, **fields)
        else:
            adopt(obj, actions.needs_survey_open(actor=request.user, **fields))
