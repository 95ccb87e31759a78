"""Referents are told 90 and 30 days before their certificate expires and on the day, once
each; the partner page shows an expired certificate as such."""

from datetime import date, timedelta

import pytest
from django.core import mail

from background import periodic
from partners import actions
from partners.models import Certification, CertificationReminder, Organization
from tests import factories

TODAY = date(2026, 6, 1)


@pytest.fixture
def certified_a(org_a, referent_a):
    return factories.make_certification(
        org_a,
        phase=Certification.Phase.FAMILY_AUDIT,
        status=Certification.Status.VALID,
        granted_on=date(2023, 6, 1),
        expires_on=TODAY + timedelta(days=90),
    )


def sent_on(day, django_capture_on_commit_callbacks):
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        count = actions.certification_send_expiry_reminders(today=day)
    return count, list(mail.outbox)


def test_the_three_reminders_go_out_once_each(
    certified_a, referent_a, django_capture_on_commit_callbacks
):
    expiry = certified_a.expires_on
    seen = []
    # Every day from 100 days before the expiry to 10 days after it, each day run twice.
    for offset in range(-100, 11):
        day = expiry + timedelta(days=offset)
        for _run in range(2):
            count, messages = sent_on(day, django_capture_on_commit_callbacks)
            seen.extend((offset, message) for message in messages)
    assert [offset for offset, _message in seen] == [-90, -30, 0]
    assert all(message.to == [referent_a.email] for _offset, message in seen)
    assert "90" in seen[0][1].subject and "30" in seen[1][1].subject
    assert "/partner/alfa/" in seen[2][1].body
    assert list(
        CertificationReminder.objects.order_by("sent_at").values_list("stage", flat=True)
    ) == [90, 30, 0]


def test_a_late_start_sends_only_the_most_urgent_reminder(
    certified_a, django_capture_on_commit_callbacks
):
    count, messages = sent_on(
        certified_a.expires_on - timedelta(days=20), django_capture_on_commit_callbacks
    )
    assert count == 1
    assert CertificationReminder.objects.get().stage == 30


def test_a_renewed_certificate_gets_its_own_reminders(
    certified_a, django_capture_on_commit_callbacks
):
    sent_on(certified_a.expires_on - timedelta(days=30), django_capture_on_commit_callbacks)
    certified_a.expires_on += timedelta(days=10)
    certified_a.save()
    count, _messages = sent_on(
        certified_a.expires_on - timedelta(days=29), django_capture_on_commit_callbacks
    )
    assert count == 1


@pytest.mark.parametrize(
    "change",
    [
        {"status": Certification.Status.WITHDRAWN},
        {"expires_on": None},
    ],
)
def test_closed_or_undated_certificates_are_not_reminded(
    certified_a, change, django_capture_on_commit_callbacks
):
    Certification.objects.filter(pk=certified_a.pk).update(**change)
    assert sent_on(TODAY, django_capture_on_commit_callbacks)[0] == 0


def test_suspended_members_and_long_expired_certificates_are_left_alone(
    certified_a, org_a, django_capture_on_commit_callbacks
):
    assert (
        sent_on(certified_a.expires_on + timedelta(days=30), django_capture_on_commit_callbacks)[0]
        == 0
    )
    Organization.objects.filter(pk=org_a.pk).update(
        membership_status=Organization.MembershipStatus.SUSPENDED
    )
    assert sent_on(TODAY, django_capture_on_commit_callbacks)[0] == 0


def test_a_member_without_referents_is_told_once_it_has_one(
    org_b, django_capture_on_commit_callbacks
):
    factories.make_certification(
        org_b, status=Certification.Status.VALID, expires_on=TODAY + timedelta(days=60)
    )
    assert sent_on(TODAY, django_capture_on_commit_callbacks)[0] == 0
    referent = factories.make_user("nuovo@beta.example")
    factories.affiliate(referent, org_b, role="referent")
    count, messages = sent_on(TODAY, django_capture_on_commit_callbacks)
    assert count == 1
    assert messages[0].to == [referent.email]


def test_the_reminders_are_a_registered_daily_job():
    job = periodic.registry["warn_expiring_certifications"]
    assert job.every == timedelta(days=1)


def test_the_partner_page_shows_an_expired_certificate_as_such(client, org_a):
    factories.make_certification(
        org_a,
        phase=Certification.Phase.FAMILY_AUDIT,
        status=Certification.Status.VALID,
        granted_on=date(2020, 1, 10),
        expires_on=date(2023, 1, 10),
    )
    page = client.get("/en/partner/alfa/").content.decode()
    assert "expired on" in page
    assert "bg-danger" in page
    assert "Expired" in page


def test_the_partner_page_shows_a_valid_certificate_as_valid(client, org_a):
    from django.utils import timezone

    factories.make_certification(
        org_a,
        phase=Certification.Phase.FAMILY_AUDIT,
        status=Certification.Status.VALID,
        granted_on=date(2024, 1, 10),
        expires_on=timezone.localdate() + timedelta(days=400),
    )
    page = client.get("/en/partner/alfa/").content.decode()
    assert "expired on" not in page
    assert "Valid" in page
