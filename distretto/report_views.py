"""The coordinator's download of the yearly report (distretto.report): a form asking the
year, the format and the language; a valid answer is the file, as an attachment."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from distretto import report
from partners.access import private, require_login
from partners.rules import is_coordinator
from services.balance import selectable_years

FORMAT_CHOICES = [
    ("pdf", _("PDF document, with charts")),
    ("xlsx", _("Excel spreadsheet (.xlsx), the tables")),
    ("ods", _("OpenDocument spreadsheet (.ods), the tables")),
]


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), widget=forms.Select)
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)
    language = forms.ChoiceField(label=_("Language"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = selectable_years()
        self.fields["year"].widget.choices = [(year, str(year)) for year in self.years]
        self.fields["language"].choices = [
            (code, {"it": "Italiano", "en": "English"}.get(code, name))
            for code, name in settings.LANGUAGES
        ]

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year not in self.years:
            raise ValidationError(
                _("Choose a year between %(first)d and %(last)d."),
                params={"first": self.years[-1], "last": self.years[0]},
                code="year",
            )
        return year


@require_safe
@require_login
def district_report(request):
    if not is_coordinator(request.user):
        raise PermissionDenied
    # The form sends all three; a link may name the year only (the balance page's year).
    asked = "format" in request.GET or "language" in request.GET
    this_year = timezone.localdate().year
    linked_year = request.GET.get("year", "")
    form = ReportForm(
        request.GET if asked else None,
        initial={
            "year": int(linked_year)
            if linked_year in {str(year) for year in selectable_years()}
            else this_year,
            "format": "pdf",
            "language": (get_language() or "it").split("-")[0],
        },
    )
    if asked and form.is_valid():
        produced = report.produce(
            form.cleaned_data["year"], form.cleaned_data["format"], form.cleaned_data["language"]
        )
        response = HttpResponse(produced.content, content_type=produced.content_type)
        response["Content-Disposition"] = f'attachment; filename="{produced.filename}"'
        return private(response)
    return private(render(request, "distretto/report.html", {"form": form}))
