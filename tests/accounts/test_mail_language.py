"""Every mail is written in its recipient's language, with links in that language.

The language is the person's (partners.models.Person): set from the page they signed up
on, changed on their profile. Mail to addresses of nobody uses the site's language, except
invitations, written in the language the coordinator chose.
"""

import pytest
from django.core import mail
from django.utils import translation

from partners import actions
from partners.models import Person
from services import actions as service_actions
from services.models import ServiceRequest
from tests import factories
from tests.accounts.helpers import links_in, path_of, sign_up

# Mail leaves when the transaction commits: these tests let their writes really commit.
pytestmark = pytest.mark.django_db(transaction=True)


def reads(user, language):
    Person.objects.update_or_create(user=user, defaults={"language": language})
    return user


def mail_to(address):
    [message] = [message for message in mail.outbox if message.to == [address]]
    return message


def site_paths(message):
    return [path_of(link) for link in links_in(message)]


# --- The language is the person's ---------------------------------------------------------


def test_signing_up_on_an_english_page_makes_english_the_persons_language(client, db):
    assert sign_up(client, "new@example.org", prefix="/en").status_code == 302
    assert Person.objects.get(user__email="new@example.org").language == "en"


def test_signing_up_on_an_italian_page_makes_italian_the_persons_language(client, db):
    assert sign_up(client, "nuovo@example.org").status_code == 302
    assert Person.objects.get(user__email="nuovo@example.org").language == "it"


def test_the_sign_up_confirmation_is_in_the_language_of_the_sign_up_page(client, db):
    sign_up(client, "new@example.org", prefix="/en")
    message = mail_to("new@example.org")
    assert any("/confirm-email/" in path for path in site_paths(message))
    assert all(path.startswith("/en/") for path in site_paths(message)), site_paths(message)
    assert "confirm" in message.subject.lower() and "conferma" not in message.subject.lower()


def test_the_profile_changes_the_language_of_the_next_mails(client, employee_a, referent_a):
    client.force_login(referent_a)
    response = client.post("/account/lingua/", {"language": "en"})
    assert response.status_code == 302
    # The answer comes back in the chosen language.
    assert response["Location"] == "/en/account/profilo/"
    assert Person.objects.get(user=referent_a).language == "en"

    actions.affiliation_request(
        organization=employee_a.affiliations.get().organization,
        actor=factories.make_user("guest@example.net"),
    )
    message = mail_to(referent_a.email)
    assert message.subject.endswith("Request to join Organizzazione Alfa")


def test_the_profile_shows_the_persons_language(client, referent_a):
    reads(referent_a, "en")
    client.force_login(referent_a)
    html = client.get("/account/profilo/").content.decode()
    assert '<option value="en" selected>' in html


def test_the_profile_refuses_a_language_the_portal_is_not_written_in(client, referent_a):
    reads(referent_a, "en")
    client.force_login(referent_a)
    response = client.post("/en/account/lingua/", {"language": "de"}, follow=True)
    assert Person.objects.get(user=referent_a).language == "en"
    assert "Choose one of the portal&#x27;s languages." in response.content.decode()


def test_a_person_without_a_choice_reads_the_site_language(client, employee_a, referent_a):
    actions.affiliation_request(
        organization=employee_a.affiliations.get().organization,
        actor=factories.make_user("ospite@example.net"),
    )
    message = mail_to(referent_a.email)
    assert "Richiesta di affiliazione a Organizzazione Alfa" in message.subject
    assert not any(path.startswith("/en/") for path in site_paths(message))


# --- Each recipient their own language, links included -------------------------------------


def test_one_change_mails_each_referent_in_their_own_language(org_a, referent_a):
    english = reads(factories.make_user("erin@alfa.example"), "en")
    factories.affiliate(english, org_a, role="referent")
    reads(referent_a, "it")
    with translation.override("en"):  # the requester browses in English: it changes nothing
        actions.affiliation_request(
            organization=org_a, actor=factories.make_user("guest@example.net")
        )

    to_english, to_italian = mail_to(english.email), mail_to(referent_a.email)
    assert "Request to join Organizzazione Alfa" in to_english.subject
    assert "/en/area-partner/" in " ".join(site_paths(to_english))
    assert "Richiesta di affiliazione" in to_italian.subject
    assert all(not path.startswith("/en/") for path in site_paths(to_italian))
    assert "/area-partner/" in " ".join(site_paths(to_italian))


def test_the_answer_to_a_service_request_is_in_the_requesters_language(
    org_a, org_b, employee_b, referent_a
):
    reads(employee_b, "en")
    service = factories.make_service(org_a)
    service_request = ServiceRequest.objects.create(
        service=service, requester=employee_b, requester_organization=org_b, kind="interest"
    )
    service_actions.service_request_answer(
        service_request=service_request, status="accepted", answer="Ok", actor=referent_a
    )
    message = mail_to(employee_b.email)
    assert message.subject.endswith(f"Answer to your request about “{service.title}”")
    assert any(path.startswith("/en/") for path in site_paths(message))


def test_a_new_service_request_reaches_the_provider_in_the_referents_language(
    org_a, org_b, employee_b, referent_a
):
    reads(referent_a, "en")
    service = factories.make_service(org_a)
    with translation.override("it"):  # the requester browses in Italian
        service_actions.service_request_send(
            service=service, organization=org_b, kind="interest", message="", actor=employee_b
        )
    message = mail_to(referent_a.email)
    assert any(path.startswith("/en/area-partner/") for path in site_paths(message))


def test_an_affiliation_approval_is_in_the_employees_language(org_a, referent_a):
    guest = reads(factories.make_user("guest@example.net"), "en")
    affiliation = actions.affiliation_request(organization=org_a, actor=guest)
    mail.outbox.clear()
    actions.affiliation_approve(affiliation=affiliation, actor=referent_a)
    message = mail_to(guest.email)
    assert "Organizzazione Alfa" in message.subject
    assert all(path.startswith("/en/") for path in site_paths(message))


# --- Invitations: the address may belong to nobody yet ---------------------------------------


def test_an_invitation_is_in_the_language_the_coordinator_chose(coordinator, org_a):
    invitation = actions.referent_invite(
        organization=org_a, email="new.referent@example.com", actor=coordinator, language="en"
    )
    message = mail_to("new.referent@example.com")
    assert message.subject.endswith("Invitation to be a referent of Organizzazione Alfa")
    assert f"/en/account/invito/{invitation.raw_token}/" in site_paths(message)
    assert invitation.language == "en"


def test_an_invitation_without_a_choice_follows_the_invitees_own_language(coordinator, org_a):
    reads(factories.make_user("erin@example.com"), "en")
    invitation = actions.referent_invite(
        organization=org_a, email="erin@example.com", actor=coordinator
    )
    assert invitation.language == "en"
    assert "Invitation to be a referent" in mail_to("erin@example.com").subject


def test_an_invitation_to_nobody_without_a_choice_is_in_the_site_language(coordinator, org_a):
    with translation.override("en"):
        invitation = actions.referent_invite(
            organization=org_a, email="nuova@example.com", actor=coordinator
        )
    assert invitation.language == "it"
    assert "Invito a diventare referente" in mail_to("nuova@example.com").subject


def test_the_admin_invitation_form_offers_the_language(client, coordinator, org_a):
    client.force_login(coordinator)
    response = client.post(
        "/admin/partners/referentinvitation/add/",
        {"organization": org_a.pk, "email": "new.referent@example.com", "language": "en"},
    )
    assert response.status_code == 302
    assert "/en/account/invito/" in " ".join(site_paths(mail_to("new.referent@example.com")))


def test_sending_an_invitation_again_keeps_its_language(client, coordinator, org_a):
    invitation = actions.referent_invite(
        organization=org_a, email="new.referent@example.com", actor=coordinator, language="en"
    )
    mail.outbox.clear()
    client.force_login(coordinator)
    client.post(
        "/admin/partners/referentinvitation/",
        {"action": "send_again", "_selected_action": [invitation.pk]},
    )
    assert "Invitation to be a referent" in mail_to("new.referent@example.com").subject


# --- allauth's own mail ---------------------------------------------------------------------


def test_a_password_reset_asked_on_an_italian_page_reaches_an_english_reader_in_english(
    client, unaffiliated
):
    reads(unaffiliated, "en")
    client.post("/account/password/reset/", {"email": unaffiliated.email})
    message = mail_to(unaffiliated.email)
    paths = site_paths(message)
    assert any("/password/reset/key/" in path for path in paths), paths
    assert all(path.startswith("/en/") for path in paths), paths
    assert "Password" in message.subject and "Reimposta" not in message.subject


def test_a_password_reset_for_an_italian_reader_asked_on_an_english_page_is_italian(
    client, unaffiliated
):
    reads(unaffiliated, "it")
    client.post("/en/account/password/reset/", {"email": unaffiliated.email})
    paths = site_paths(mail_to(unaffiliated.email))
    assert any("/password/reset/key/" in path for path in paths), paths
    assert not any(path.startswith("/en/") for path in paths), paths
