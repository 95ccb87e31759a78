"""The hub's record-level writes: organization_update and the `*_ensure` upserts."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from common.roles import COORDINATOR_GROUP
from partners import actions
from partners.models import Affiliation, EmailDomain, Organization


def test_organization_update_changes_the_record_and_leaves_an_entry(coordinator, org_a):
    actions.organization_update(organization=org_a, actor=coordinator, short_name="Alfa")
    org_a.refresh_from_db()
    assert org_a.short_name == "Alfa"
    assert LogEntry.objects.filter(object_id=str(org_a.pk), user=coordinator).exists()


def test_organization_update_leaves_membership_to_its_own_actions(coordinator, org_a):
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="activate, suspend or withdraw"),
    ):
        actions.organization_update(
            organization=org_a,
            actor=coordinator,
            membership_status=Organization.MembershipStatus.SUSPENDED,
        )
    org_a.refresh_from_db()
    assert org_a.membership_status == Organization.MembershipStatus.ACTIVE


def test_organization_update_refuses_an_invalid_value_and_saves_nothing(coordinator, org_a):
    with pytest.raises(ValidationError):
        actions.organization_update(organization=org_a, actor=coordinator, website="not a url")
    org_a.refresh_from_db()
    assert org_a.website == ""


def test_an_ensure_action_logs_what_it_wrote_and_nothing_when_nothing_changed(coordinator, org_a):
    result = actions.email_domain_ensure(domain="alfa.org", organization=org_a, actor=coordinator)
    assert result.created
    assert LogEntry.objects.filter(user=coordinator, action_flag=ADDITION).count() == 1
    again = actions.email_domain_ensure(domain="alfa.org", organization=org_a, actor=coordinator)
    assert not again.created and not again.updated
    assert LogEntry.objects.filter(user=coordinator).count() == 1


def test_a_domain_ensured_for_another_organisation_moves_to_it(org_a, org_b):
    actions.email_domain_ensure(domain="alfa.org", organization=org_a, actor=None)
    result = actions.email_domain_ensure(domain="alfa.org", organization=org_b, actor=None)
    assert result.changed == ("organization",)
    assert EmailDomain.objects.get(domain="alfa.org").organization == org_b


def test_account_ensure_creates_a_verified_primary_address_and_the_groups(db):
    group = Group.objects.get(name=COORDINATOR_GROUP)
    result = actions.account_ensure(
        email="nuova@alfa.example",
        password=make_password("Segreta-2026"),
        groups=[group],
        first_name="Nuova",
        actor=None,
    )
    user = result.obj
    assert result.created
    assert (user.username, user.first_name) == ("nuova@alfa.example", "Nuova")
    assert user.check_password("Segreta-2026")
    assert list(user.groups.all()) == [group]
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("nuova@alfa.example", True, True)


def test_account_ensure_keeps_the_password_and_restores_the_other_values(db):
    def ensure(password):
        return actions.account_ensure(
            email="nuova@alfa.example", password=password, groups=[], is_staff=False, actor=None
        )

    user = ensure(make_password("Prima-password-1")).obj
    user.set_password("Cambiata-dopo-2")
    user.is_staff = True
    user.save()
    result = ensure(make_password("Prima-password-1"))
    user.refresh_from_db()
    assert result.changed == ("is_staff",)
    assert not user.is_staff
    assert user.check_password("Cambiata-dopo-2")


def test_affiliation_ensure_keeps_when_it_was_verified(org_a):
    user = actions.account_ensure(
        email="persona@alfa.example", password="!", groups=[], actor=None
    ).obj
    first = timezone.now() - dt.timedelta(days=30)
    fields = {"role": "employee", "status": "active", "verified_via": "email_domain"}
    actions.affiliation_ensure(
        user=user, organization=org_a, verified_at=first, actor=None, **fields
    )
    result = actions.affiliation_ensure(
        user=user, organization=org_a, verified_at=timezone.now(), actor=None, **fields
    )
    assert not result.created and not result.updated
    assert Affiliation.objects.get(user=user).verified_at == first


def test_affiliation_ensure_verifies_a_pending_affiliation_it_makes_active(org_a):
    user = actions.account_ensure(
        email="persona@alfa.example", password="!", groups=[], actor=None
    ).obj
    now = timezone.now()
    actions.affiliation_ensure(
        user=user, organization=org_a, status="pending", verified_at=now, actor=None
    )
    assert Affiliation.objects.get(user=user).verified_at is None
    actions.affiliation_ensure(
        user=user, organization=org_a, status="active", verified_at=now, actor=None
    )
    affiliation = Affiliation.objects.get(user=user)
    assert (affiliation.status, affiliation.verified_at) == ("active", now)
