"""The partner directory's filters: what a visitor can narrow the list by."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Certification, Organization


class OrganizationFilterSet(django_filters.FilterSet):
    """Filters over `Organization.objects.with_current_phase()` (the `phase` filter).

    Unknown values do not filter: the form reports them and the list stays whole.
    """

    q = django_filters.CharFilter(
        label=_("Name or area"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type of organisation"),
        choices=Organization.Kind.choices,
        empty_label=_("All types"),
    )
    phase = django_filters.ChoiceFilter(
        label=_("Family Audit phase"),
        choices=Certification.Phase.choices,
        empty_label=_("All phases"),
        field_name="current_phase",
    )

    class Meta:
        model = Organization
        fields = ["q", "kind", "phase"]

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(area__icontains=value)
        )
