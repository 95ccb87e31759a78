"""Deleting an account keeps the admin-log entries the person made, anonymised."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model

from common.audit import DELETED_ACCOUNT_NAME
from partners import actions
from partners.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def entries_by_referent_a(referent_a, org_a):
    """Two changes the referent made: the public profile, and one mentioning an address."""
    actions.organization_update_profile(
        organization=org_a, data={"description": "Nuova descrizione."}, actor=referent_a
    )
    LogEntry.objects.log_actions(
        user_id=referent_a.pk,
        queryset=[org_a],
        action_flag=2,
        change_message=f"Changed by {referent_a.email} from the partner area.",
        single_object=True,
    )
    return list(LogEntry.objects.filter(user=referent_a).values_list("pk", flat=True))


@pytest.fixture
def superuser_client(client):
    client.force_login(
        factories.make_user("admin@comune.trento.it", is_staff=True, is_superuser=True)
    )
    return client


def placeholder():
    return User.objects.get(username=DELETED_ACCOUNT_NAME)


def assert_kept_and_anonymised(entry_ids, email):
    entries = LogEntry.objects.filter(pk__in=entry_ids)
    assert entries.count() == len(entry_ids) == 2
    assert {entry.user_id for entry in entries} == {placeholder().pk}
    assert not any(email in entry.change_message for entry in entries)
    assert any(DELETED_ACCOUNT_NAME in entry.change_message for entry in entries)
    # Which object was changed, and when, is still there.
    organization = Organization.objects.get(slug="alfa")
    assert {entry.object_id for entry in entries} == {str(organization.pk)}


def test_deleting_my_own_account_keeps_what_i_changed_anonymised(referent_a, entries_by_referent_a):
    actions.user_delete(user=referent_a, actor=referent_a)

    assert not User.objects.filter(email="carla@alfa.example").exists()
    assert_kept_and_anonymised(entries_by_referent_a, "carla@alfa.example")


def test_the_admin_deleting_an_account_keeps_what_the_person_changed(
    superuser_client, referent_a, entries_by_referent_a
):
    response = superuser_client.post(f"/admin/auth/user/{referent_a.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=referent_a.pk).exists()
    assert_kept_and_anonymised(entries_by_referent_a, "carla@alfa.example")


def test_the_admin_bulk_delete_keeps_the_entries_too(
    superuser_client, referent_a, entries_by_referent_a
):
    response = superuser_client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [referent_a.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not User.objects.filter(pk=referent_a.pk).exists()
    assert_kept_and_anonymised(entries_by_referent_a, "carla@alfa.example")


def test_one_placeholder_serves_every_deleted_account_and_cannot_sign_in(client, org_a):
    people = [factories.make_user(f"persona{n}@alfa.example") for n in range(2)]
    for person in people:
        actions.organization_update_profile(organization=org_a, data={"area": "Povo"}, actor=person)
        actions.user_delete(user=person, actor=person)

    stand_in = placeholder()
    assert LogEntry.objects.filter(user=stand_in).count() == 2
    assert User.objects.filter(username=DELETED_ACCOUNT_NAME).count() == 1
    assert not stand_in.is_active
    assert not stand_in.is_staff
    assert not stand_in.has_usable_password()
    assert stand_in.email == ""
    assert not EmailAddress.objects.filter(user=stand_in).exists()
    response = client.post("/account/login/", {"login": DELETED_ACCOUNT_NAME, "password": ""})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
