"""The coordinator invites an organisation's referent from the organisation's own form."""

from django.core import mail
from django.urls import reverse

from partners import actions
from partners.models import Organization, ReferentInvitation
from tests import factories
from tests.admin.form_data import page_data


def change_url(organization):
    return reverse("admin:partners_organization_change", args=[organization.pk])


def test_saving_the_organisation_with_an_address_sends_the_invitation(
    coordinator_client, org_a, django_capture_on_commit_callbacks
):
    data = page_data(coordinator_client.get(change_url(org_a)))
    data["invite_referent"] = "Nuova.Referente@Alfa.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(change_url(org_a), data, follow=True)
    assert response.status_code == 200
    invitation = ReferentInvitation.objects.get()
    assert invitation.organization == org_a
    assert invitation.email == "nuova.referente@alfa.example"
    assert [message.to for message in mail.outbox] == [["nuova.referente@alfa.example"]]
    shown = [str(message) for message in response.context["messages"]]
    assert any("nuova.referente@alfa.example" in message for message in shown)


def test_a_new_active_organisation_and_its_referent_invitation_in_one_save(coordinator_client, db):
    add = reverse("admin:partners_organization_add")
    data = page_data(coordinator_client.get(add)) | {
        "name": "Cooperativa Gamma",
        "slug": "cooperativa-gamma",
        "kind": Organization.Kind.COOPERATIVE,
        "membership_status": Organization.MembershipStatus.ACTIVE,
        "joined_on": "2026-01-01",
        "invite_referent": "referente@gamma.example",
    }
    response = coordinator_client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    organization = Organization.objects.get(slug="cooperativa-gamma")
    assert ReferentInvitation.objects.get().organization == organization


def test_an_organisation_not_yet_active_cannot_invite_and_nothing_is_saved(coordinator_client, db):
    applicant = factories.make_organization(
        "Aspirante", membership_status=Organization.MembershipStatus.APPLICANT
    )
    data = page_data(coordinator_client.get(change_url(applicant)))
    data |= {"invite_referent": "qualcuno@aspirante.example", "description": "Cambiata"}
    response = coordinator_client.post(change_url(applicant), data)
    assert response.status_code == 200
    assert "invite_referent" in response.context["adminform"].form.errors
    assert not ReferentInvitation.objects.exists()
    applicant.refresh_from_db()
    assert applicant.description != "Cambiata"


def test_an_existing_referent_is_not_invited_again(coordinator_client, org_a, referent_a):
    data = page_data(coordinator_client.get(change_url(org_a)))
    data["invite_referent"] = referent_a.email
    response = coordinator_client.post(change_url(org_a), data)
    assert response.status_code == 200
    assert "invite_referent" in response.context["adminform"].form.errors
    assert not ReferentInvitation.objects.exists()


def test_the_form_lists_the_invitations_and_points_new_referents_to_them(
    coordinator_client, org_a, coordinator
):
    actions.referent_invite(organization=org_a, email="invitata@alfa.example", actor=coordinator)
    html = coordinator_client.get(change_url(org_a)).content.decode()
    assert 'name="invite_referent"' in html
    assert "invitata@alfa.example" in html
