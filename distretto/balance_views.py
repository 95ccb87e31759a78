"""The network's balance (services.balance) for three audiences: everybody (the network's
totals, nothing under 5), the coordinator (every partner, the who-serves-whom matrix) and
each partner's referents (their own organisation)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from partners.access import require_login, require_referent
from partners.rules import is_coordinator
from services import balance


class PeriodForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in balance.selectable_years()]


def _period(request) -> tuple[PeriodForm, balance.Period]:
    """The year asked for, or this year (with the form's message) when it is not one."""
    this_year = timezone.localdate().year
    form = PeriodForm(request.GET if "year" in request.GET else {"year": this_year})
    year = form.cleaned_data["year"] if form.is_valid() else this_year
    return form, balance.Period.year(year)


def _bars(rows: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """(label, value, percent of the largest) for the bar charts."""
    largest = max((value for _label, value in rows), default=0)
    return [(label, value, round(100 * value / largest) if largest else 0) for label, value in rows]


@require_safe
def public_balance(request):
    form, period = _period(request)
    figures = balance.public_balance(period)
    return render(
        request,
        "distretto/balance_public.html",
        {
            "form": form,
            "period": period,
            "figures": figures,
            "threshold": balance.PRIVACY_THRESHOLD,
            "may_see_network": is_coordinator(request.user),
        },
    )


@require_safe
@require_login
def network_balance(request):
    if not is_coordinator(request.user):
        raise PermissionDenied
    form, period = _period(request)
    network = balance.network_balance(period)
    received = [(f.organization.name, f.received) for f in network.partners if f.received]
    sent = [(f.organization.name, f.sent) for f in network.partners if f.sent]
    return render(
        request,
        "distretto/balance_network.html",
        {
            "form": form,
            "period": period,
            "network": network,
            "matrix_rows": network.matrix_rows(),
            "received_bars": _bars(sorted(received, key=lambda row: -row[1])),
            "sent_bars": _bars(sorted(sent, key=lambda row: -row[1])),
        },
    )


@require_safe
@require_referent
def partner_balance(request):
    form, period = _period(request)
    figures = balance.partner_balance(request.organization, period)
    return render(
        request,
        "area/balance.html",
        {
            "form": form,
            "period": period,
            "figures": figures,
            "received_bars": _bars(figures.received_from),
            "sent_bars": _bars(figures.sent_to),
        },
    )
