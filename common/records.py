"""Idempotent writes of reference data: create a row, or change only the fields that differ.

The `*_ensure` actions of the apps (categories, working groups, demo accounts...) are built
on `ensure`; loaders whose models have plain create / update actions use `create_or_update`.
A row that already matches is not saved at all, so a second run leaves `updated_at` and the
admin history untouched.
"""

from dataclasses import dataclass

from django.contrib.admin.models import ADDITION
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils.translation import gettext as _

from common.audit import log_action


@dataclass(frozen=True)
class Ensured[M: models.Model]:
    """What an `*_ensure` action did: the row, whether it is new, which fields it changed."""

    obj: M
    created: bool = False
    changed: tuple[str, ...] = ()

    @property
    def updated(self) -> bool:
        return bool(self.changed)


def _is_many_to_many(obj: models.Model, name: str) -> bool:
    return obj._meta.get_field(name).many_to_many


def differing_fields(obj: models.Model, values: dict) -> dict:
    """The part of `values` (field name -> value) that `obj` does not hold already.

    Foreign keys compare by primary key; many-to-many values are iterables of instances
    and compare as sets. An unsaved `obj` has no many-to-many rows yet.
    """
    changed = {}
    for name, value in values.items():
        model_field = obj._meta.get_field(name)
        if model_field.many_to_many:
            wanted = {item.pk for item in value}
            current = set(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else set()
            if wanted != current:
                changed[name] = list(value)
        elif model_field.is_relation:
            if getattr(obj, model_field.attname) != (value.pk if value is not None else None):
                changed[name] = value
        elif getattr(obj, name) != value:
            changed[name] = value
    return changed


def ensure[M: models.Model](
    model: type[M],
    lookup: dict,
    values: dict,
    *,
    on_create: dict | None = None,
    among: models.QuerySet | None = None,
) -> Ensured[M]:
    """Create the row found by `lookup`, or bring it to `values` if one of them differs.

    `values` may include many-to-many fields (set exactly as given); `on_create` holds values
    written only when the row is created (e.g. a password or a timestamp), never enforced
    again; `among` narrows where the row is looked for (e.g. only open affiliations). The
    row is validated with `full_clean()` before it is saved, so a value the model
    refuses raises ValidationError and nothing is written. Callers run inside a transaction.
    """
    obj = (model.objects.all() if among is None else among).filter(**lookup).first()
    created = obj is None
    if created:
        plain = {name: value for name, value in lookup.items() if "__" not in name}
        obj = model(**plain, **(on_create or {}))
    changed = differing_fields(obj, values)
    if not created and not changed:
        return Ensured(obj)
    relations = {name: changed.pop(name) for name in list(changed) if _is_many_to_many(obj, name)}
    if created or changed:
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
    for name, items in relations.items():
        getattr(obj, name).set(items)
    return Ensured(obj, created, () if created else (*changed, *relations))


def create_or_update[M: models.Model](
    model: type[M], lookup: dict, values: dict, *, create, update, name: str, actor
) -> Ensured[M]:
    """`ensure` for models whose writes have plain create / update actions.

    The row found by `lookup` is created with `create(**lookup, **values, actor=actor)`, or,
    if one of `values` differs, updated with `update(<name>=row, **values, actor=actor)`:
    every value, since some update actions want them all.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return Ensured(create(**lookup, **values, actor=actor), created=True)
    changed = differing_fields(obj, values)
    if changed:
        obj = update(**{name: obj}, **values, actor=actor)
    return Ensured(obj, changed=tuple(changed))


def log_ensured(actor: AbstractBaseUser | None, result: Ensured) -> None:
    """Leave the admin-history entry of an `*_ensure` action that wrote something."""
    if result.created:
        log_action(actor, result.obj, _("Created."), flag=ADDITION)
    elif result.changed:
        log_action(
            actor, result.obj, _("Changed: %(fields)s.") % {"fields": ", ".join(result.changed)}
        )
