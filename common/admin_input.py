"""Hostile input in the back office: answers, never server errors (ModelAdmin hooks).

Three places where Django's admin trusts the query string or a submitted form too much:

- the date drill-down (`date_hierarchy`) turns `?created_at__year=99999999999999999999`
  into a date and fails with OverflowError, which the change list does not catch;
- an autocomplete widget on a form sent back with errors looks its submitted values up as
  they are (`pk__in=["abc"]`): a value that is not a key fails the query;
- a search term of 100,000 characters is a LIKE pattern SQLite refuses.

`SafeInputAdminMixin` goes first in the bases of every ModelAdmin and inline of ours
(tests/test_hostile_input.py checks that none is missing).
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import connection

# Longer than anything a person searches for; no field of ours holds a match for more.
SEARCH_MAX_LENGTH = 1000


def _is_key(field, value) -> bool:
    """Whether `value` can be looked up in `field` without the database refusing it."""
    try:
        value = field.to_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    if isinstance(value, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        return (low is None or value >= low) and (high is None or value <= high)
    return True


class _ExistingKeysOnly:
    """Renders only the submitted values that can be keys; the form reports the others."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        value = [item for item in value if item in ("", None) or _is_key(target, item)]
        return super().optgroups(name, value, attr)


class SafeAutocompleteSelect(_ExistingKeysOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_ExistingKeysOnly, AutocompleteSelectMultiple):
    pass


class SafeChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            # A date-hierarchy year (or month, day) too large for a date: a wrong filter.
            raise IncorrectLookupParameters(error) from error

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        # Lookups of the query string the filters did not take (`?created_at__year=...` on
        # a list with a date filter) are applied as they are and only fail when the query
        # is built: build it now, so that a year too large for a date is a wrong filter.
        try:
            queryset.query.get_compiler(using=queryset.db).as_sql()
        except (EmptyResultSet, FullResultSet):
            pass
        except (OverflowError, ValueError, TypeError) as error:
            raise IncorrectLookupParameters(error) from error
        return queryset


class SafeInputAdminMixin:
    """For ModelAdmin and InlineModelAdmin classes: see the module's docstring.

    Also keeps the change lists quick on a large district (200,000 people, 50,000
    services): one COUNT per page instead of two (no "N total" next to a filtered count),
    50 rows a page.
    """

    show_full_result_count = False
    list_per_page = 50

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _safe_widget(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _safe_widget(super().formfield_for_manytomany(db_field, request, **kwargs))

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if changelist is ChangeList:
            return SafeChangeList
        return changelist

    def get_search_results(self, request, queryset, search_term):
        if len(search_term) > SEARCH_MAX_LENGTH:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


def _safe_widget(formfield):
    if formfield is None:
        return formfield
    widget = formfield.widget
    # The related-object wrapper (the "+" and pencil buttons) holds the real widget.
    inner = getattr(widget, "widget", widget)
    for unsafe, safe in (
        (AutocompleteSelectMultiple, SafeAutocompleteSelectMultiple),
        (AutocompleteSelect, SafeAutocompleteSelect),
    ):
        if type(inner) is unsafe:
            inner.__class__ = safe
            break
    return formfield
