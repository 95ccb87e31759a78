"""The catalogue's filters: everything lives in the query string, so a search can be shared.

Values that are not valid (an unknown category, a made-up cost, ...) are ignored: the page
shows the catalogue as if that filter were not set, with a message saying so. Choice lists are
read once per request (three small queries) and validated in memory, so the number of queries
does not depend on the filters used.

The choices that depend on who is looking (the providers and areas of the services they may
see) and the two lookup tables are kept in the cache under the public version and the
person's visibility key (common.page_cache, services.rules.visibility_key): at 50,000
services they cost a DISTINCT over every visible row. The providers are not listed in the
page (there can be thousands): the field is a text input, with suggestions from
`services:provider-suggestions` where JavaScript runs; a provider's name or slug is accepted.
"""

from urllib.parse import urlencode

import django_filters
from django import forms
from django.db.models import CharField, F, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.page_cache import cached
from common.translation import reader_text
from partners.models import Organization

from .models import Audience, Category, WelfareService
from .rules import visibility_key
from .search import RANK_FIELD, clean_query, search_catalogue


class SearchTextField(forms.CharField):
    """Free text that never fails validation: it is cleaned and cut to a safe length."""

    def to_python(self, value):
        return clean_query(value)


class Ordering:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    TITLE = "az"

    CHOICES = [
        (RELEVANCE, _("Relevance")),
        (NEWEST, _("Newest first")),
        (TITLE, _("Title (A–Z)")),
    ]
    ORDER_BY = {
        NEWEST: ["-published_at", "-pk"],
        TITLE: ["title", "pk"],
        RELEVANCE: [f"-{RANK_FIELD}", "-published_at", "-pk"],
    }


AVAILABLE_NOW = "now"


class Providers:
    """The providers a person may filter by: (slug, name) pairs, looked up by slug or name.

    Django copies a form's fields for every form, deeply: a field holding thousands of
    choices costs a good part of a second to copy. This object is shared instead.
    """

    def __init__(self, pairs):
        self.pairs = pairs
        self.names = dict(pairs)
        self.by_name = {str(name).casefold(): slug for slug, name in pairs}

    def __deepcopy__(self, memo):
        return self

    def slug_of(self, typed: str) -> str | None:
        if typed in self.names:
            return typed
        return self.by_name.get(typed.casefold())


class ProviderField(forms.CharField):
    """A provider, typed by name (as the type-ahead fills it in) or given by slug (links)."""

    default_error_messages = {
        "invalid_choice": _(
            "Select a valid choice. %(value)s is not one of the available choices."
        ),
    }

    def __init__(self, *, providers: Providers | None = None, **kwargs):
        super().__init__(**kwargs)
        self.providers = providers or Providers([])

    def to_python(self, value):
        value = " ".join(str(value or "").split())[:200]
        if not value:
            return ""
        slug = self.providers.slug_of(value)
        if slug is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return slug


class ProviderFilter(django_filters.CharFilter):
    field_class = ProviderField


class ServiceFilterForm(forms.Form):
    q = SearchTextField(label=_("Words to search"), required=False)
    order = forms.ChoiceField(label=_("Sort by"), choices=Ordering.CHOICES, required=False)


class ServiceFilterSet(django_filters.FilterSet):
    """Filters over the services a user may see (the queryset passed in).

    Pass ``request`` so that the eligibility filter is offered only to people who can see
    more than the services open to everyone.
    """

    category = django_filters.ChoiceFilter(
        field_name="category__slug", label=_("Category"), empty_label=_("All categories")
    )
    provider = ProviderFilter(field_name="provider__slug", label=_("Offered by"))
    audience = django_filters.ChoiceFilter(
        field_name="audiences__code", label=_("Meant for"), empty_label=_("All audiences")
    )
    cost = django_filters.ChoiceFilter(
        choices=WelfareService.Cost.choices, label=_("Cost"), empty_label=_("Any cost")
    )
    area = django_filters.ChoiceFilter(label=_("Area"), empty_label=_("All areas"))
    eligibility = django_filters.ChoiceFilter(
        choices=WelfareService.Eligibility.choices,
        label=_("Who may use it"),
        empty_label=_("Any"),
    )
    available = django_filters.ChoiceFilter(
        choices=[(AVAILABLE_NOW, _("Available now"))],
        label=_("Availability"),
        method="filter_available",
    )

    class Meta:
        model = WelfareService
        fields = []
        form = ServiceFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        # How the words were matched (services.search.SearchOutcome), once the results are read.
        self.search_outcome = None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            # Visitors only ever see services open to everyone: nothing to choose.
            del self.filters["eligibility"]
        # `queryset` is what the person may see: WelfareService.objects.visible_to(user).
        self.visibility = visibility_key(user)
        # One cache read for every choice list of the form.
        categories, audiences, self.providers, areas = cached(
            ("catalogue-choices", self.visibility),
            lambda: (*_categories_and_audiences(), self._providers(), self._areas()),
        )
        self.filters["category"].extra["choices"] = categories
        self.filters["audience"].extra["choices"] = audiences
        self.filters["provider"].extra["providers"] = Providers(self.providers)
        self.filters["area"].extra["choices"] = areas

    def _providers(self):
        return list(
            Organization.objects.active()
            .filter(pk__in=self.queryset.values("provider_id"))
            .order_by("name")
            .values_list("slug", "name")
        )

    def _areas(self):
        return [
            (area, area)
            for area in self.queryset.exclude(area="")
            .order_by("area")
            .values_list("area", flat=True)
            .distinct()
        ]

    # Filtering -----------------------------------------------------------------------------

    def filter_available(self, queryset, name, value):
        return queryset.available_on(timezone.localdate())

    def filter_queryset(self, queryset):
        cleaned = self.form.cleaned_data
        for name, filter_ in self.filters.items():
            if name in cleaned:
                queryset = filter_.filter(queryset, cleaned[name])
        if self.search_text:
            queryset, self.search_outcome = search_catalogue(queryset, self.search_text)
        ordering = self.ordering
        if RANK_FIELD not in queryset.query.annotations:
            ordering = Ordering.NEWEST if ordering == Ordering.RELEVANCE else ordering
        return queryset.order_by(*Ordering.ORDER_BY[ordering])

    # What the page shows -------------------------------------------------------------------

    @property
    def cleaned(self):
        """The valid values, after validation (invalid ones are left out)."""
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def search_text(self):
        return self.cleaned.get("q", "")

    @property
    def ordering(self):
        chosen = self.cleaned.get("order") or ""
        if chosen == Ordering.RELEVANCE or not chosen:
            return Ordering.RELEVANCE if self.search_text else Ordering.NEWEST
        return chosen

    @property
    def ordering_value(self):
        """The sort option to show selected: "" stands for best match (newest without words)."""
        chosen = self.cleaned.get("order") or ""
        return "" if chosen == Ordering.RELEVANCE else chosen

    @property
    def ignored_fields(self):
        """Labels of the parameters whose values were not recognised and so were ignored."""
        self.form.is_valid()
        return [str(self.form.fields[name].label) for name in self.form.errors]

    def select_fields(self):
        """The filters, ready for the template: id, name, label, options, value.

        The provider is a type-ahead (`typeahead` true, no options, `display` the chosen
        provider's name or what was typed).
        """
        fields = []
        for name in ("category", "provider", "audience", "cost", "area", "eligibility"):
            if name not in self.filters:
                continue
            field = self.form.fields[name]
            value = self.cleaned.get(name) or ""
            entry = {"name": name, "id": f"id_{name}", "label": field.label, "value": value}
            if name == "provider":
                names = field.providers.names
                typed = self.form.data.get(name, "") if self.form.data else ""
                entry |= {
                    "typeahead": True,
                    "options": [(value, names[value])] if value in names else [],
                    "display": names.get(value) or " ".join(str(typed).split())[:200],
                }
            else:
                entry["options"] = list(field.choices)
            fields.append(entry)
        return fields

    def count_key(self) -> tuple:
        """What the number of results depends on: who looks, and the filters in force."""
        values = sorted(
            (name, str(value)) for name, value in self.cleaned.items() if value and name != "order"
        )
        return ("catalogue", self.visibility, tuple(values))

    @property
    def available_now(self):
        return self.cleaned.get("available") == AVAILABLE_NOW

    def active_filters(self, query_params):
        """The filters in use, each with the address of the same search without it."""
        labels = {}
        for field in self.select_fields():
            if field["value"]:
                choice = dict(field["options"]).get(field["value"], field["value"])
                labels[field["name"]] = (field["label"], choice)
        if self.search_text:
            labels = {"q": (_("Words"), f"“{self.search_text}”")} | labels
        if self.available_now:
            labels["available"] = (_("Availability"), _("Available now"))
        return [
            {
                "name": name,
                "label": label,
                "value": value,
                "remove_query": without(query_params, name, *self.form.errors),
            }
            for name, (label, value) in labels.items()
        ]

    def unfiltered_query(self, query_params):
        """The query string with every filter (and every unrecognised value) removed."""
        names = [f["name"] for f in self.active_filters(query_params)]
        return without(query_params, *names, *self.form.errors)


def _categories_and_audiences():
    """The choices of both small lookup tables from one query (a UNION), named in the
    page's language (common.translation)."""
    label = CharField()
    categories = (
        Category.objects.order_by()
        .annotate(row_type=Value("category", output_field=label), key=F("slug"))
        .values_list("row_type", "key", "name", "name_en", "position")
    )
    audiences = (
        Audience.objects.order_by()
        .annotate(row_type=Value("audience", output_field=label), key=F("code"))
        .values_list("row_type", "key", "name", "name_en", "position")
    )
    choices = {"category": [], "audience": []}
    rows = categories.union(audiences, all=True).order_by("position", "name", "key")
    for row_type, key, name, name_en, _position in rows:
        choices[row_type].append((key, reader_text(name, en=name_en)))
    return choices["category"], choices["audience"]


def without(query_params, *names):
    """The query string of ``query_params`` without ``names``, the page number or empty values."""
    dropped = set(names) | {"page"}
    pairs = [
        (key, value)
        for key, values in query_params.lists()
        if key not in dropped
        for value in values
        if value
    ]
    return urlencode(pairs)
