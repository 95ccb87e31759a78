"""common.records: the idempotent create-or-update under the `*_ensure` actions and the demo."""

import pytest
from django.core.exceptions import ValidationError

from common.records import create_or_update, differing_fields, ensure
from meetings.models import WorkingGroup
from services.models import Category
from tests import factories


def test_ensure_creates_the_row_from_the_lookup_and_the_values(db):
    result = ensure(Category, {"slug": "mobilita"}, {"name": "Mobilità", "position": 3})
    assert result.created and not result.updated
    category = Category.objects.get(slug="mobilita")
    assert (category.name, category.position) == ("Mobilità", 3)


def test_ensure_does_not_save_a_row_that_already_matches(db, django_assert_num_queries):
    ensure(Category, {"slug": "mobilita"}, {"name": "Mobilità"})
    with django_assert_num_queries(1):  # the lookup, no write
        result = ensure(Category, {"slug": "mobilita"}, {"name": "Mobilità"})
    assert not result.created and not result.updated


def test_ensure_changes_only_what_differs_and_says_which_fields(db):
    ensure(Category, {"slug": "mobilita"}, {"name": "Mobilità", "icon": "it-car"})
    result = ensure(Category, {"slug": "mobilita"}, {"name": "Mobilità", "icon": "it-bike"})
    assert result.changed == ("icon",)
    assert Category.objects.get(slug="mobilita").icon == "it-bike"
    assert Category.objects.count() == 1


def test_ensure_sets_many_to_many_fields_exactly(db, org_a, org_b):
    ensure(WorkingGroup, {"slug": "gruppo"}, {"name": "Gruppo", "members": [org_a, org_b]})
    result = ensure(WorkingGroup, {"slug": "gruppo"}, {"name": "Gruppo", "members": [org_b]})
    assert result.changed == ("members",)
    assert list(WorkingGroup.objects.get(slug="gruppo").members.all()) == [org_b]


def test_values_given_on_creation_only_are_never_enforced_again(db):
    ensure(Category, {"slug": "mobilita"}, {"name": "Mobilità"}, on_create={"position": 7})
    Category.objects.filter(slug="mobilita").update(position=2)
    result = ensure(Category, {"slug": "mobilita"}, {"name": "Mobilità"}, on_create={"position": 7})
    assert not result.updated
    assert Category.objects.get(slug="mobilita").position == 2


def test_ensure_refuses_a_value_the_model_refuses_and_writes_nothing(db):
    with pytest.raises(ValidationError):
        ensure(Category, {"slug": "mobilita"}, {"name": "x" * 101})
    assert not Category.objects.exists()
    ensure(Category, {"slug": "mobilita"}, {"name": "Mobilità"})
    with pytest.raises(ValidationError):
        ensure(Category, {"slug": "mobilita"}, {"name": "x" * 101})
    assert Category.objects.get(slug="mobilita").name == "Mobilità"


def test_foreign_keys_compare_by_primary_key(db, org_a, org_b):
    group = factories.make_group(coordinator=org_a)
    fresh = WorkingGroup.objects.get(pk=group.pk)  # no cached instance on it
    assert differing_fields(fresh, {"coordinator": org_a}) == {}
    assert differing_fields(fresh, {"coordinator": org_b}) == {"coordinator": org_b}


def test_create_or_update_calls_the_update_action_only_when_a_value_differs(db):
    calls = []

    def create(*, actor, **fields):
        calls.append(("create", fields))
        return Category.objects.create(**fields)

    def update(*, category, actor, **fields):
        calls.append(("update", fields))
        Category.objects.filter(pk=category.pk).update(**fields)
        return category

    def run(name):
        return create_or_update(
            Category,
            {"slug": "mobilita"},
            {"name": name},
            create=create,
            update=update,
            name="category",
            actor=None,
        )

    assert run("Mobilità").created
    assert not run("Mobilità").updated
    assert run("Spostamenti").changed == ("name",)
    assert calls == [
        ("create", {"slug": "mobilita", "name": "Mobilità"}),
        ("update", {"name": "Spostamenti"}),
    ]
