"""Lookups that answer "no rows" for values no row can hold, instead of a database error.

Registered once, when the project starts (distretto.apps). Django already does this for
`exact`, `gt`, `lt`... on integer columns; two cases are left, both reachable from a
query string or a form:

- `__in` with an integer out of the column's range (`?id__in=99999999999999999999`, a model
  multiple-choice field, the admin's list_editable keys): SQLite refuses to bind it;
- LIKE lookups (`contains`, `startswith`...) with a text longer than the column: it cannot
  match, and SQLite refuses patterns over 50,000 bytes (a 100,000-character search). Not
  `iexact`: a text in upper case may be longer than in lower case.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import CharField, IntegerField, lookups


def _in_range(value, low, high) -> bool:
    return not isinstance(value, int) or (
        (low is None or value >= low) and (high is None or value <= high)
    )


@IntegerField.register_lookup
class IntegerFieldIn(lookups.In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [value for value in self.rhs if _in_range(value, low, high)]
        return super().process_rhs(compiler, connection)


class _NoLongerThanTheColumn:
    def process_rhs(self, compiler, connection):
        max_length = getattr(self.lhs.output_field, "max_length", None)
        if isinstance(self.rhs, str) and max_length and len(self.rhs) > max_length:
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


for _lookup in (
    lookups.Contains,
    lookups.IContains,
    lookups.StartsWith,
    lookups.IStartsWith,
    lookups.EndsWith,
    lookups.IEndsWith,
):
    CharField.register_lookup(
        type(f"CharField{_lookup.__name__}", (_NoLongerThanTheColumn, _lookup), {})
    )
