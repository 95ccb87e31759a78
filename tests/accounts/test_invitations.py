"""The coordinator invites referents; the link leads to sign-up or login, then to the role."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from partners import actions
from partners.models import (
    Affiliation,
    Organization,
    ReferentInvitation,
    hash_invitation_token,
)
from tests import factories
from tests.accounts.helpers import confirmation_path, links_in, path_of, sign_up
from tests.factories import PASSWORD

# Mail leaves when the transaction commits: these tests let their writes really commit.
pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()

INVITEE = "nuova.referente@example.com"


def invitation_path(message) -> str:
    return next(path_of(link) for link in links_in(message) if "/account/invito/" in link)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def invite_from_the_admin(coordinator_client, organization, email=INVITEE, prefix=""):
    return coordinator_client.post(
        f"{prefix}/admin/partners/referentinvitation/add/",
        {"organization": organization.pk, "email": email},
    )


def test_the_coordinator_invites_from_the_admin_and_a_mail_goes_out(coordinator_client, org_a):
    response = invite_from_the_admin(coordinator_client, org_a)

    assert response.status_code == 302
    invitation = ReferentInvitation.objects.get()
    assert (invitation.organization, invitation.email) == (org_a, INVITEE)
    assert invitation.accepted_at is None
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=13)
    assert [m.to for m in mail.outbox] == [[INVITEE]]
    raw_token = invitation_path(mail.outbox[0]).removeprefix("/account/invito/").strip("/")
    assert len(raw_token) >= 40
    assert invitation.token_hash == hash_invitation_token(raw_token)


def test_the_admin_add_form_refuses_an_inactive_organisation(coordinator_client):
    suspended = factories.make_organization(
        membership_status=Organization.MembershipStatus.SUSPENDED
    )
    response = invite_from_the_admin(coordinator_client, suspended)
    assert response.status_code == 200
    assert not ReferentInvitation.objects.exists()
    assert mail.outbox == []


def test_the_admin_add_form_refuses_a_current_referent(coordinator_client, org_a, referent_a):
    response = invite_from_the_admin(coordinator_client, org_a, referent_a.email, prefix="/en")
    assert response.status_code == 200
    assert "is already a referent of Organizzazione Alfa" in response.content.decode()
    assert not ReferentInvitation.objects.exists()


def test_the_invitation_pages_of_the_admin_render(coordinator_client, coordinator, org_a):
    invitation = actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    assert coordinator_client.get("/admin/partners/referentinvitation/").status_code == 200
    assert coordinator_client.get("/admin/partners/referentinvitation/add/").status_code == 200
    page = coordinator_client.get(f"/admin/partners/referentinvitation/{invitation.pk}/change/")
    assert page.status_code == 200
    assert invitation.raw_token not in page.content.decode()
    assert invitation.token_hash not in page.content.decode()


def test_only_the_coordinator_invites(referent_a, org_a):
    with pytest.raises(PermissionDenied):
        actions.referent_invite(organization=org_a, email=INVITEE, actor=referent_a)
    assert not ReferentInvitation.objects.exists()


def test_inviting_again_replaces_the_earlier_link(coordinator, org_a):
    first = actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    second = actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    first.refresh_from_db()
    assert first.is_expired()
    assert not second.is_expired()
    assert len(mail.outbox) == 2


def test_a_new_person_signs_up_from_the_link_and_becomes_referent(client, coordinator, org_a):
    actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    link = invitation_path(mail.outbox[0])

    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/signup/?email=")

    # The link proved the mailbox: the invited address needs no second confirmation.
    response = sign_up(client, INVITEE)
    assert response.status_code == 302

    user = User.objects.get(email=INVITEE)
    assert EmailAddress.objects.get(user=user).verified
    affiliation = Affiliation.objects.get(user=user)
    assert affiliation.organization == org_a
    assert affiliation.role == Affiliation.Role.REFERENT
    assert affiliation.status == Affiliation.Status.ACTIVE
    assert affiliation.verified_via == Affiliation.VerifiedVia.INVITATION
    assert affiliation.verified_by == coordinator
    invitation = ReferentInvitation.objects.get()
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == user


def test_the_link_cannot_be_used_twice(client, coordinator, org_a):
    actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    link = invitation_path(mail.outbox[0])
    client.get(link)
    sign_up(client, INVITEE)

    other = client.__class__()
    response = other.get(f"/en{link}")
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert Affiliation.objects.count() == 1


def test_an_expired_link_is_refused_with_a_clear_message(client, coordinator, org_a):
    invitation = actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    ReferentInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    response = client.get(f"/en/account/invito/{invitation.raw_token}/")

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert "referent_invitation_token" not in client.session
    # Signing up afterwards gives an ordinary account, not the role.
    sign_up(client, INVITEE)
    assert not Affiliation.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_unknown_token_is_a_404_with_a_message(client):
    response = client.get("/en/account/invito/not-a-real-token/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_an_invitation_to_an_organisation_since_suspended_is_refused(client, coordinator, org_a):
    invitation = actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    actions.organization_suspend(organization=org_a, actor=coordinator)
    response = client.get(f"/account/invito/{invitation.raw_token}/")
    assert response.status_code == 410


def test_a_person_with_an_account_is_sent_to_login_and_becomes_referent(client, coordinator, org_a):
    person = factories.make_user(INVITEE)
    actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)

    response = client.get(invitation_path(mail.outbox[0]))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")

    response = client.post(response["Location"], {"login": INVITEE, "password": PASSWORD})
    assert response.status_code == 302

    affiliation = Affiliation.objects.get(user=person)
    assert affiliation.role == Affiliation.Role.REFERENT
    assert affiliation.verified_via == Affiliation.VerifiedVia.INVITATION


def test_an_employee_invited_becomes_referent_of_the_same_affiliation(
    client, coordinator, org_a, employee_a
):
    actions.referent_invite(organization=org_a, email=employee_a.email, actor=coordinator)
    client.get(invitation_path(mail.outbox[0]))
    client.post("/account/login/", {"login": employee_a.email, "password": PASSWORD})
    affiliation = Affiliation.objects.get(user=employee_a)
    assert affiliation.role == Affiliation.Role.REFERENT
    assert affiliation.status == Affiliation.Status.ACTIVE


def test_logging_in_as_someone_else_does_not_take_the_invitation(
    client, coordinator, org_a, unaffiliated
):
    factories.make_user(INVITEE)
    actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    client.get(invitation_path(mail.outbox[0]))
    client.post("/account/login/", {"login": unaffiliated.email, "password": PASSWORD})
    assert not Affiliation.objects.exists()
    assert ReferentInvitation.objects.get().accepted_at is None


def test_a_signed_in_invitee_accepts_with_a_button(client, coordinator, org_a):
    person = factories.make_user(INVITEE)
    invitation = actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    client.force_login(person)
    url = f"/en/account/invito/{invitation.raw_token}/"

    page = client.get(url)
    assert page.status_code == 200
    assert "Accept the invitation" in page.content.decode()
    assert not Affiliation.objects.exists()

    response = client.post(url)
    assert response.status_code == 302
    assert Affiliation.objects.get(user=person).role == Affiliation.Role.REFERENT


def test_a_signed_in_user_with_another_address_cannot_accept(
    client, coordinator, org_a, unaffiliated
):
    invitation = actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    client.force_login(unaffiliated)
    url = f"/en/account/invito/{invitation.raw_token}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "another address" in page.content.decode()
    client.post(url)
    assert not Affiliation.objects.exists()
    with pytest.raises(PermissionDenied):
        actions.invitation_accept(invitation=invitation, actor=unaffiliated)


def test_confirming_the_invited_address_in_another_browser_accepts_too(client, coordinator, org_a):
    # Sign up without the link (e.g. from another device), then confirm the address.
    actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    sign_up(client, INVITEE)
    client.post(confirmation_path(mail.outbox[-1]))
    affiliation = Affiliation.objects.get(user__email=INVITEE)
    assert affiliation.role == Affiliation.Role.REFERENT


def test_an_invitee_on_the_organisations_domain_is_one_referent_not_two(client, coordinator, org_a):
    actions.referent_invite(organization=org_a, email="nuova@alfa.example", actor=coordinator)
    client.get(invitation_path(mail.outbox[0]))
    sign_up(client, "nuova@alfa.example")
    affiliation = Affiliation.objects.get(user__email="nuova@alfa.example")
    assert affiliation.role == Affiliation.Role.REFERENT


def test_a_revoked_invitation_cannot_be_accepted(coordinator, org_a):
    person = factories.make_user(INVITEE)
    invitation = actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    actions.invitation_revoke(invitation=invitation, actor=coordinator)
    with pytest.raises(ValidationError):
        actions.invitation_accept(invitation=invitation, actor=person)


# --- Ending affiliations from the admin ----------------------------------------------------


def test_the_coordinator_ends_affiliations_from_the_admin(
    coordinator_client, employee_a, employee_b
):
    ids = list(Affiliation.objects.values_list("pk", flat=True))
    response = coordinator_client.post(
        "/admin/partners/affiliation/",
        {"action": "end_affiliations", "_selected_action": ids},
    )
    assert response.status_code == 302
    assert set(Affiliation.objects.values_list("status", flat=True)) == {Affiliation.Status.ENDED}
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@alfa.example", "bob@beta.example"]


def test_the_affiliation_list_offers_the_end_action(coordinator_client, employee_a):
    html = coordinator_client.get("/admin/partners/affiliation/").content.decode()
    assert 'value="end_affiliations"' in html


def test_the_invitation_link_is_in_the_site_language_whatever_the_sender_browses_in(
    coordinator, org_a
):
    with translation.override("en"):
        invitation = actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    assert invitation_path(mail.outbox[0]) == f"/account/invito/{invitation.raw_token}/"


# --- Tokens are stored as hashes -----------------------------------------------------------


def test_the_database_never_holds_the_raw_token(client, coordinator, org_a):
    from django.contrib.sessions.models import Session
    from django.core import serializers

    actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    link = invitation_path(mail.outbox[0])
    raw_token = link.removeprefix("/account/invito/").strip("/")
    # Following the link as a visitor remembers the invitation in the session.
    client.get(link)

    stored = serializers.serialize("json", ReferentInvitation.objects.all())
    assert raw_token not in stored
    assert ReferentInvitation.objects.get().token_hash == hash_invitation_token(raw_token)
    sessions = [str(session.get_decoded()) for session in Session.objects.all()]
    assert sessions
    assert not any(raw_token in session for session in sessions)


def test_a_wrong_token_is_refused_and_the_stored_hash_is_no_key(client, coordinator, org_a):
    invitation = actions.referent_invite(organization=org_a, email=INVITEE, actor=coordinator)
    altered = invitation.raw_token[:-1] + ("A" if invitation.raw_token[-1] != "A" else "B")

    for token in (altered, invitation.token_hash):
        response = client.get(f"/en/account/invito/{token}/")
        assert response.status_code == 404
        assert "referent_invitation_token" not in client.session
    assert client.get(f"/en/account/invito/{invitation.raw_token}/").status_code == 302


def test_links_sent_before_tokens_were_hashed_keep_working(client, org_a):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("partners.migrations.0006_referent_invitation_token_hash")
    # A row as the old code wrote it: the token itself in the column.
    old_token = "vecchio-token-in-chiaro-" + "z" * 20
    ReferentInvitation.objects.create(
        organization=org_a,
        email=INVITEE,
        token_hash=old_token,
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )

    migration.hash_existing_tokens(apps, None)

    assert ReferentInvitation.objects.get().token_hash == hash_invitation_token(old_token)
    response = client.get(f"/account/invito/{old_token}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/signup/")
