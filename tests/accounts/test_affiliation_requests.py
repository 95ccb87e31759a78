"""People with another address ask to join; the organisation's referents decide."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from partners import actions
from partners.models import Affiliation, Organization
from tests import factories
from tests.accounts.helpers import mail_body

# Mail leaves when the transaction commits: these tests let their writes really commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def requester(db):
    return factories.make_user("giulia@gmail.example")


@pytest.fixture
def pending(requester, org_a, referent_a):
    affiliation = actions.affiliation_request(
        organization=org_a, actor=requester, message="Ufficio personale, sede di Povo."
    )
    mail.outbox.clear()
    return affiliation


def test_a_request_is_pending_and_the_referents_are_told(requester, org_a, referent_a):
    affiliation = actions.affiliation_request(
        organization=org_a, actor=requester, message="Ufficio personale."
    )
    assert affiliation.status == Affiliation.Status.PENDING
    assert affiliation.request_message == "Ufficio personale."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [referent_a.email]
    assert "giulia@gmail.example" in mail_body(mail.outbox[0])
    assert "/area-partner/persone/" in mail_body(mail.outbox[0])


def test_the_referent_approves_and_the_person_is_told(pending, referent_a, requester):
    affiliation = actions.affiliation_approve(affiliation=pending, actor=referent_a)

    assert affiliation.status == Affiliation.Status.ACTIVE
    assert affiliation.verified_via == Affiliation.VerifiedVia.REFERENT_APPROVAL
    assert affiliation.verified_by == referent_a
    assert affiliation.verified_at is not None
    assert [m.to for m in mail.outbox] == [[requester.email]]
    assert "Organizzazione Alfa" in mail.outbox[0].subject


def test_the_referent_rejects_and_the_person_is_told_why(pending, referent_a, requester):
    affiliation = actions.affiliation_reject(
        affiliation=pending, actor=referent_a, reason="Non risulta tra il personale."
    )

    assert affiliation.status == Affiliation.Status.REJECTED
    assert affiliation.ended_at is not None
    assert [m.to for m in mail.outbox] == [[requester.email]]
    assert "Non risulta tra il personale." in mail_body(mail.outbox[0])


@pytest.mark.parametrize("who", ["referent_b", "employee_a", "unaffiliated", "requester"])
@pytest.mark.parametrize("decide", ["affiliation_approve", "affiliation_reject"])
def test_only_the_organisations_referents_can_decide(pending, request, who, decide):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        getattr(actions, decide)(affiliation=pending, actor=actor)
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.PENDING
    assert mail.outbox == []


def test_the_coordinator_may_approve_in_place_of_the_referents(pending, coordinator):
    affiliation = actions.affiliation_approve(affiliation=pending, actor=coordinator)
    assert affiliation.status == Affiliation.Status.ACTIVE
    assert affiliation.verified_via == Affiliation.VerifiedVia.COORDINATOR


def test_a_request_is_decided_once(pending, referent_a):
    actions.affiliation_approve(affiliation=pending, actor=referent_a)
    with pytest.raises(ValidationError):
        actions.affiliation_reject(affiliation=pending, actor=referent_a)
    with pytest.raises(ValidationError):
        actions.affiliation_approve(affiliation=pending, actor=referent_a)


def test_a_referent_of_a_suspended_organisation_cannot_approve(pending, referent_a, coordinator):
    actions.organization_suspend(organization=pending.organization, actor=coordinator)
    with pytest.raises((PermissionDenied, ValidationError)):
        actions.affiliation_approve(affiliation=pending, actor=referent_a)
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.PENDING


def test_asking_twice_is_refused(pending, requester, org_a):
    with pytest.raises(ValidationError):
        actions.affiliation_request(organization=org_a, actor=requester)
    assert Affiliation.objects.filter(user=requester).count() == 1


def test_an_employee_cannot_ask_to_join_their_own_organisation_again(employee_a, org_a):
    with pytest.raises(ValidationError):
        actions.affiliation_request(organization=org_a, actor=employee_a)


def test_asking_an_organisation_that_is_not_active_is_refused(requester):
    organization = factories.make_organization(
        membership_status=Organization.MembershipStatus.SUSPENDED
    )
    with pytest.raises(ValidationError):
        actions.affiliation_request(organization=organization, actor=requester)
    assert not Affiliation.objects.exists()


def test_after_a_rejection_the_person_may_ask_again(pending, referent_a, requester, org_a):
    actions.affiliation_reject(affiliation=pending, actor=referent_a)
    again = actions.affiliation_request(organization=org_a, actor=requester)
    assert again.status == Affiliation.Status.PENDING


# --- The page ----------------------------------------------------------------------------


def test_the_request_page_lists_only_organisations_one_can_ask(client, employee_a, org_b):
    factories.make_organization(
        "Organizzazione Sospesa", membership_status=Organization.MembershipStatus.SUSPENDED
    )
    client.force_login(employee_a)
    response = client.get("/en/account/affiliazione/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Organizzazione Beta" in page
    assert "Organizzazione Alfa" not in page
    assert "Organizzazione Sospesa" not in page


def test_sending_the_form_creates_the_request(client, requester, org_a, referent_a):
    client.force_login(requester)
    response = client.post(
        "/account/affiliazione/", {"organization": org_a.pk, "message": "Sede di Povo."}
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/profilo/"
    affiliation = Affiliation.objects.get(user=requester)
    assert affiliation.status == Affiliation.Status.PENDING
    assert affiliation.request_message == "Sede di Povo."
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"organization": "not-a-number"},
        {"organization": "999999"},
        {"organization": "1", "message": "x" * 1001},
    ],
)
def test_bad_input_gives_a_clear_error_and_changes_nothing(client, requester, org_a, data):
    client.force_login(requester)
    response = client.post("/en/account/affiliazione/", data)
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not Affiliation.objects.exists()


def test_the_request_page_needs_a_login(client, org_a):
    response = client.get("/account/affiliazione/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_a_person_withdraws_their_pending_request(client, pending, requester):
    client.force_login(requester)
    response = client.post(f"/account/affiliazione/{pending.pk}/termina/")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.ENDED


def test_a_person_cannot_end_someone_elses_affiliation(client, pending, employee_b):
    client.force_login(employee_b)
    response = client.post(f"/account/affiliazione/{pending.pk}/termina/")
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == Affiliation.Status.PENDING


def test_ending_is_post_only(client, pending, requester):
    client.force_login(requester)
    assert client.get(f"/account/affiliazione/{pending.pk}/termina/").status_code == 405


def test_a_referent_ending_an_affiliation_tells_the_person(referent_a, employee_a):
    affiliation = employee_a.affiliations.get()
    actions.affiliation_end(affiliation=affiliation, actor=referent_a, reason="Trasferita.")
    assert [m.to for m in mail.outbox] == [[employee_a.email]]
    assert "Trasferita." in mail_body(mail.outbox[0])


def test_another_organisations_referent_cannot_end_an_affiliation(referent_b, employee_a):
    with pytest.raises(PermissionDenied):
        actions.affiliation_end(affiliation=employee_a.affiliations.get(), actor=referent_b)
