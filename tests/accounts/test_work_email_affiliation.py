"""A verified work address makes its owner an employee of the domain's organisation."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from partners import actions
from partners.models import Affiliation, EmailDomain, Organization
from tests import factories
from tests.accounts.helpers import confirmation_path, sign_up, sign_up_and_confirm

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_signing_up_with_a_partner_address_makes_a_verified_employee(client, org_a):
    response = sign_up(client, "giulia@alfa.example")
    assert response.status_code == 302
    user = User.objects.get(email="giulia@alfa.example")
    # Nothing before the address is confirmed.
    assert not Affiliation.objects.filter(user=user).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["giulia@alfa.example"]

    response = client.post(confirmation_path(mail.outbox[0]))

    assert response.status_code == 302
    affiliation = Affiliation.objects.get(user=user)
    assert affiliation.organization == org_a
    assert affiliation.status == Affiliation.Status.ACTIVE
    assert affiliation.role == Affiliation.Role.EMPLOYEE
    assert affiliation.verified_via == Affiliation.VerifiedVia.EMAIL_DOMAIN
    assert affiliation.verified_at is not None
    assert EmailAddress.objects.get(user=user).verified


def test_confirmation_logs_the_new_employee_in_and_shows_the_profile(client, org_a):
    sign_up_and_confirm(client, "giulia@alfa.example")
    response = client.get("/en/account/profilo/")
    assert response.status_code == 200
    assert "Organizzazione Alfa" in response.content.decode()


def test_the_confirmation_link_does_nothing_on_get(client, org_a):
    sign_up(client, "giulia@alfa.example")
    response = client.get(confirmation_path(mail.outbox[0]))
    assert response.status_code == 200
    assert not Affiliation.objects.exists()
    assert not EmailAddress.objects.get(email="giulia@alfa.example").verified


def test_the_domain_is_matched_without_regard_to_case(client, org_a):
    sign_up_and_confirm(client, "Giulia@ALFA.example")
    assert Affiliation.objects.get().organization == org_a


def test_a_non_matching_address_gives_no_affiliation(client, org_a):
    sign_up_and_confirm(client, "giulia@gmail.example")
    assert not Affiliation.objects.exists()


def test_a_subdomain_is_not_the_organisations_domain(client, org_a):
    sign_up_and_confirm(client, "giulia@mail.alfa.example")
    assert not Affiliation.objects.exists()


@pytest.mark.parametrize(
    "status",
    [
        Organization.MembershipStatus.SUSPENDED,
        Organization.MembershipStatus.WITHDRAWN,
        Organization.MembershipStatus.APPLICANT,
    ],
)
def test_the_domain_of_an_organisation_that_is_not_active_gives_no_affiliation(client, status):
    factories.make_organization("Sospesa", domain="sospesa.example", membership_status=status)
    sign_up_and_confirm(client, "giulia@sospesa.example")
    assert not Affiliation.objects.exists()


def test_verifying_the_work_address_approves_a_pending_request(client, org_a):
    user = factories.make_user("giulia@gmail.example")
    request = actions.affiliation_request(organization=org_a, actor=user)
    address = EmailAddress.objects.create(user=user, email="giulia@alfa.example", verified=True)

    affiliation = actions.affiliation_from_verified_email(email_address=address)

    assert affiliation.pk == request.pk
    request.refresh_from_db()
    assert request.status == Affiliation.Status.ACTIVE
    assert request.verified_via == Affiliation.VerifiedVia.EMAIL_DOMAIN


def test_a_referent_verifying_another_address_stays_referent(referent_a):
    address = EmailAddress.objects.create(
        user=referent_a, email="carla.rossi@alfa.example", verified=True
    )
    affiliation = actions.affiliation_from_verified_email(email_address=address)
    assert affiliation.role == Affiliation.Role.REFERENT
    assert Affiliation.objects.filter(user=referent_a).count() == 1


def test_an_unverified_address_gives_nothing(org_a):
    user = factories.make_user("giulia@gmail.example")
    address = EmailAddress.objects.create(user=user, email="giulia@alfa.example", verified=False)
    assert actions.affiliation_from_verified_email(email_address=address) is None
    assert not Affiliation.objects.exists()


def _employee_with_personal_primary(client, org_a):
    """A person whose primary address is personal and who verified a work address too."""
    user = factories.make_user("giulia@gmail.example")
    address = EmailAddress.objects.create(user=user, email="giulia@alfa.example", verified=True)
    actions.affiliation_from_verified_email(email_address=address)
    client.force_login(user)
    return user


def test_removing_the_work_address_ends_the_affiliation(client, org_a):
    user = _employee_with_personal_primary(client, org_a)
    assert Affiliation.objects.current().filter(user=user).exists()

    response = client.post("/account/email/", {"action_remove": "", "email": "giulia@alfa.example"})

    assert response.status_code == 302
    assert not EmailAddress.objects.filter(email="giulia@alfa.example").exists()
    affiliation = Affiliation.objects.get(user=user)
    assert affiliation.status == Affiliation.Status.ENDED
    assert affiliation.ended_at is not None


def test_removing_another_address_keeps_the_affiliation(client, org_a):
    user = _employee_with_personal_primary(client, org_a)
    EmailAddress.objects.create(user=user, email="g@other.example", verified=True)
    client.post("/account/email/", {"action_remove": "", "email": "g@other.example"})
    assert Affiliation.objects.get(user=user).status == Affiliation.Status.ACTIVE


def test_removing_one_of_two_work_addresses_of_the_same_organisation_keeps_it(client, org_a):
    user = _employee_with_personal_primary(client, org_a)
    EmailDomain.objects.create(organization=org_a, domain="alfa-group.example")
    EmailAddress.objects.create(user=user, email="giulia@alfa-group.example", verified=True)
    client.post("/account/email/", {"action_remove": "", "email": "giulia@alfa.example"})
    assert Affiliation.objects.get(user=user).status == Affiliation.Status.ACTIVE


def test_removing_an_address_keeps_an_affiliation_approved_by_a_referent(client, org_a, referent_a):
    user = factories.make_user("giulia@gmail.example")
    request = actions.affiliation_request(organization=org_a, actor=user)
    actions.affiliation_approve(affiliation=request, actor=referent_a)
    EmailAddress.objects.create(user=user, email="giulia@alfa.example", verified=True)
    client.force_login(user)
    client.post("/account/email/", {"action_remove": "", "email": "giulia@alfa.example"})
    assert Affiliation.objects.get(user=user).status == Affiliation.Status.ACTIVE


def test_adding_and_confirming_a_work_address_later_affiliates(client, org_a):
    user = factories.make_user("giulia@gmail.example")
    client.force_login(user)
    response = client.post("/account/email/", {"action_add": "", "email": "giulia@alfa.example"})
    assert response.status_code == 302
    assert not Affiliation.objects.exists()
    client.post(confirmation_path(mail.outbox[-1]))
    assert Affiliation.objects.get(user=user).organization == org_a


def test_withdrawal_ends_the_affiliations(coordinator, org_a, employee_a):
    referent = factories.make_user("r@alfa.example")
    factories.affiliate(referent, org_a, role=Affiliation.Role.REFERENT)

    actions.organization_withdraw(organization=org_a, actor=coordinator)

    assert not Affiliation.objects.current().filter(organization=org_a).exists()
    assert set(Affiliation.objects.values_list("status", flat=True)) == {Affiliation.Status.ENDED}


def test_suspension_keeps_the_affiliations(coordinator, org_a, employee_a):
    actions.organization_suspend(organization=org_a, actor=coordinator)
    assert Affiliation.objects.current().get(organization=org_a).user == employee_a


def test_after_suspension_the_domain_no_longer_affiliates(client, coordinator, org_a):
    actions.organization_suspend(organization=org_a, actor=coordinator)
    sign_up_and_confirm(client, "giulia@alfa.example")
    assert not Affiliation.objects.exists()
