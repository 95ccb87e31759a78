"""Membership that stays true: each year an employee's affiliation is confirmed again, by the
person (work address) or by a referent (approved people); unconfirmed, it lapses."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from background import periodic
from partners import actions
from partners.models import RECONFIRM_GRACE, Affiliation, Organization
from partners.rules import is_partner_employee
from tests import factories

YEAR_AND_A_DAY = timedelta(days=366)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the yearly job at `now`; returns (counts, the mail it sent)."""

    def at(now):
        mail.outbox = []
        with django_capture_on_commit_callbacks(execute=True):
            counts = actions.affiliations_run_yearly_reconfirmation(now=now)
        return counts, list(mail.outbox)

    return at


@pytest.fixture
def old_employee(org_a):
    """Verified through a work address more than a year ago."""
    # The person signed in with a private address and added the work one.
    user = factories.make_user("anna@alfa.example")
    EmailAddress.objects.filter(user=user).update(primary=False)
    EmailAddress.objects.create(
        user=user, email="anna.privata@example.org", verified=True, primary=True
    )
    user.email = "anna.privata@example.org"
    user.save()
    return factories.affiliate(
        user,
        org_a,
        verified_via=Affiliation.VerifiedVia.EMAIL_DOMAIN,
        verified_at=timezone.now() - YEAR_AND_A_DAY,
    )


@pytest.fixture
def approved_employee(org_a):
    """Approved by a referent more than a year ago (no address on the domain)."""
    user = factories.make_user("marco@example.net")
    return factories.affiliate(
        user,
        org_a,
        verified_via=Affiliation.VerifiedVia.REFERENT_APPROVAL,
        verified_at=timezone.now() - YEAR_AND_A_DAY,
    )


def link_in(message):
    [path] = re.findall(
        re.escape(settings.SITE_URL) + r"(/account/conferma-affiliazione/\S+)", message.body
    )
    return path


def test_the_person_is_asked_at_the_work_address_once_and_confirms_through_the_link(
    client, old_employee, run
):
    now = timezone.now()
    counts, sent = run(now)
    assert counts == {"asked_people": 1, "asked_referents": 0, "lapsed": 0}
    [message] = sent
    # The work address, not the private one: reading that mailbox is the proof.
    assert message.to == ["anna@alfa.example"]
    path = link_in(message)
    # Asked once: the next runs send nothing.
    assert run(now + timedelta(days=1))[1] == []

    page = client.get(path)
    assert page.status_code == 200
    assert "Organizzazione Alfa" in page.content.decode()
    old_employee.refresh_from_db()
    assert old_employee.reconfirm_requested_at is not None  # a GET confirms nothing
    response = client.post(path, {"confirm": "yes"})
    assert response.status_code == 302
    old_employee.refresh_from_db()
    assert old_employee.confirmed_at is not None
    assert old_employee.reconfirm_requested_at is None
    assert old_employee.reconfirm_token_hash == ""
    assert client.get(path).status_code == 404
    # Confirmed: it does not lapse, and next year it is asked again.
    assert run(now + RECONFIRM_GRACE + timedelta(days=1))[0]["lapsed"] == 0
    assert run(now + YEAR_AND_A_DAY)[0]["asked_people"] == 1


def test_an_unconfirmed_affiliation_lapses_after_the_grace_period_and_the_person_is_told(
    client, old_employee, referent_a, run
):
    now = timezone.now()
    run(now)
    counts, sent = run(now + RECONFIRM_GRACE - timedelta(hours=1))
    assert counts["lapsed"] == 0
    counts, sent = run(now + RECONFIRM_GRACE + timedelta(hours=1))
    assert counts["lapsed"] == 1
    assert [message.to for message in sent] == [["anna.privata@example.org"]]
    old_employee.refresh_from_db()
    assert old_employee.status == Affiliation.Status.LAPSED
    assert not is_partner_employee(old_employee.user)
    # Lapsed once: nothing more is sent.
    assert run(now + RECONFIRM_GRACE + timedelta(days=2))[1] == []

    # The referents see who lapsed.
    client.force_login(referent_a)
    page = client.get(reverse("area:member-list")).content.decode()
    assert 'id="lapsed-list"' in page
    assert "anna.privata@example.org" in page

    # The person may ask to join again.
    actions.affiliation_request(organization=old_employee.organization, actor=old_employee.user)


def test_referents_reapprove_the_people_they_approved(client, approved_employee, referent_a, run):
    now = timezone.now()
    counts, sent = run(now)
    assert counts == {"asked_people": 0, "asked_referents": 1, "lapsed": 0}
    [message] = sent
    assert message.to == [referent_a.email]
    assert "marco@example.net" in message.body
    assert "/area-partner/persone/" in message.body

    client.force_login(referent_a)
    page = client.get(reverse("area:member-list")).content.decode()
    url = reverse("area:member-reapprove", args=[approved_employee.pk])
    assert url in page
    response = client.post(url)
    assert response.status_code == 302
    approved_employee.refresh_from_db()
    assert approved_employee.confirmed_at is not None
    assert approved_employee.reconfirm_requested_at is None
    # Nothing to confirm any more: a second click says so and changes nothing.
    client.post(url)
    assert run(now + RECONFIRM_GRACE + timedelta(days=1))[0]["lapsed"] == 0


def test_another_organisations_referent_cannot_reapprove(
    client, approved_employee, referent_b, run
):
    run(timezone.now())
    client.force_login(referent_b)
    response = client.post(reverse("area:member-reapprove", args=[approved_employee.pk]))
    assert response.status_code == 404
    approved_employee.refresh_from_db()
    assert approved_employee.confirmed_at is None


def test_referents_recent_people_and_suspended_members_are_not_asked(org_a, org_b, run):
    long_ago = timezone.now() - YEAR_AND_A_DAY
    factories.affiliate(
        factories.make_user("capo@alfa.example"),
        org_a,
        role=Affiliation.Role.REFERENT,
        verified_at=long_ago,
    )
    factories.affiliate(factories.make_user("nuovo@alfa.example"), org_a)
    factories.affiliate(factories.make_user("bea@beta.example"), org_b, verified_at=long_ago)
    Organization.objects.filter(pk=org_b.pk).update(
        membership_status=Organization.MembershipStatus.SUSPENDED
    )
    counts, sent = run(timezone.now())
    assert counts == {"asked_people": 0, "asked_referents": 0, "lapsed": 0}
    assert sent == []


def test_a_confirmation_link_that_was_never_sent_is_not_found(client, db):
    assert client.get("/account/conferma-affiliazione/not-a-token/").status_code == 404


def test_the_yearly_confirmation_is_a_registered_daily_job():
    assert periodic.registry["reconfirm_affiliations"].every == timedelta(days=1)
