"""Employees send interest or booking requests; providers' referents are told by e-mail."""

import pytest
from django.urls import reverse
from django.utils import translation

from partners.models import Affiliation
from services.models import ServiceRequest, WelfareService
from tests import factories

Eligibility = WelfareService.Eligibility


@pytest.fixture(autouse=True)
def _fast_passwords_and_language(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def service_b(org_b, referent_b):
    """A service of B open to all partners' employees; B's referent gets the mail."""
    return factories.make_service(
        org_b,
        title="Doposcuola di Beta",
        slug="doposcuola-beta",
        eligibility=Eligibility.ALL_PARTNERS,
    )


def request_url(service):
    return reverse("services:service-request", kwargs={"slug": service.slug})


def send(client, service, **data):
    return client.post(request_url(service), {"kind": "booking", "message": "Due bambini."} | data)


def test_an_employee_sends_a_request_and_the_referents_get_an_email(
    client, employee_a, org_a, service_b, mailoutbox, django_capture_on_commit_callbacks
):
    second = factories.make_user("ugo@beta.example")
    factories.affiliate(second, service_b.provider, role=Affiliation.Role.REFERENT)
    client.force_login(employee_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, service_b)
    assert response.status_code == 302
    assert response["Location"] == reverse("services:my-requests")
    service_request = ServiceRequest.objects.get()
    assert service_request.service == service_b
    assert service_request.requester == employee_a
    assert service_request.requester_organization == org_a
    assert service_request.kind == ServiceRequest.Kind.BOOKING
    assert service_request.message == "Due bambini."
    assert service_request.status == ServiceRequest.Status.OPEN
    assert sorted(address for mail in mailoutbox for address in mail.to) == [
        "dario@beta.example",
        "ugo@beta.example",
    ]
    body = mailoutbox[0].body
    assert "alice@alfa.example" in body
    assert "Due bambini." in body
    assert f"/area-partner/richieste/{service_request.pk}/" in body


def test_the_referent_sees_the_request_in_the_partner_area(
    client, employee_a, referent_b, service_b
):
    client.force_login(employee_a)
    send(client, service_b)
    client.force_login(referent_b)
    response = client.get(reverse("area:request-list"))
    assert [r.requester for r in response.context["service_requests"]] == [employee_a]


def test_the_employee_sees_the_answer_in_my_requests(client, employee_a, referent_b, service_b):
    client.force_login(employee_a)
    send(client, service_b)
    service_request = ServiceRequest.objects.get()
    client.force_login(referent_b)
    client.post(
        reverse("area:request-answer", kwargs={"pk": service_request.pk}),
        {"status": "more_info", "answer": "Quanti anni hanno i bambini?"},
    )
    client.force_login(employee_a)
    response = client.get(reverse("services:my-requests"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Doposcuola di Beta" in content
    assert "Quanti anni hanno i bambini?" in content
    assert "private" in response["Cache-Control"]


def test_requests_to_ones_own_organisations_services_are_allowed(client, employee_a, org_a):
    own = factories.make_service(org_a, eligibility=Eligibility.ALL_PARTNERS)
    client.force_login(employee_a)
    assert send(client, own).status_code == 302
    assert ServiceRequest.objects.get().service == own


def test_a_second_open_request_for_the_same_service_is_refused(client, employee_a, service_b):
    client.force_login(employee_a)
    send(client, service_b)
    response = send(client, service_b)
    assert response.status_code == 400
    assert ServiceRequest.objects.count() == 1


def test_a_visitor_is_sent_to_the_login_page(client, service_b):
    response = send(client, service_b)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not ServiceRequest.objects.exists()


def test_a_person_without_affiliation_gets_403_on_a_public_service(client, unaffiliated, org_b):
    public = factories.make_service(org_b, eligibility=Eligibility.EVERYONE)
    client.force_login(unaffiliated)
    assert send(client, public).status_code == 403
    assert not ServiceRequest.objects.exists()


def test_a_pending_affiliation_is_not_enough(client, org_a, org_b):
    user = factories.make_user("gino@gmail.example")
    factories.affiliate(
        user, org_a, status=Affiliation.Status.PENDING, verified_at=None, verified_via=""
    )
    public = factories.make_service(org_b, eligibility=Eligibility.EVERYONE)
    client.force_login(user)
    assert send(client, public).status_code == 403


def test_a_service_the_employee_may_not_see_is_404(client, employee_a, org_b):
    reserved = factories.make_service(org_b, eligibility=Eligibility.CHOSEN_PARTNERS)
    draft = factories.make_service(org_b, status=WelfareService.Status.DRAFT)
    client.force_login(employee_a)
    assert send(client, reserved).status_code == 404
    assert send(client, draft).status_code == 404
    assert (
        client.post(reverse("services:service-request", kwargs={"slug": "nope"})).status_code == 404
    )
    assert not ServiceRequest.objects.exists()


def test_for_a_reserved_service_the_request_names_an_eligible_organisation(client, org_a, org_b):
    user = factories.make_user("zoe@alfa.example")
    third = factories.make_organization("Organizzazione Gamma", slug="gamma")
    factories.affiliate(user, org_a)
    factories.affiliate(user, third)
    reserved = factories.make_service(org_b, eligibility=Eligibility.CHOSEN_PARTNERS)
    reserved.eligible_organizations.add(third)
    client.force_login(user)
    send(client, reserved)
    assert ServiceRequest.objects.get().requester_organization == third


def test_requests_are_post_only(client, employee_a, service_b):
    client.force_login(employee_a)
    assert client.get(request_url(service_b)).status_code == 405


def test_requests_need_the_csrf_token(employee_a, service_b):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(employee_a)
    assert send(client, service_b).status_code == 403
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"kind": "bribe"}, {"kind": ""}, {"message": "x" * 2001}],
)
def test_bad_requests_are_explained_and_nothing_is_saved(client, employee_a, service_b, data):
    client.force_login(employee_a)
    with translation.override("en"):
        url = request_url(service_b)
    response = client.post(url, {"kind": "interest", "message": ""} | data)
    assert response.status_code == 400
    assert 'id="form-errors"' in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_the_service_page_offers_the_request_form_to_employees(client, employee_a, service_b):
    client.force_login(employee_a)
    content = client.get(service_b.get_absolute_url()).content.decode()
    assert 'id="service-request-form"' in content
    assert request_url(service_b) in content


def test_the_service_page_says_a_request_is_waiting(client, employee_a, service_b):
    client.force_login(employee_a)
    send(client, service_b)
    content = client.get(service_b.get_absolute_url()).content.decode()
    assert 'id="service-request-open"' in content
    assert 'id="service-request-form"' not in content


def test_the_service_page_asks_visitors_to_log_in(client, org_b):
    public = factories.make_service(org_b, eligibility=Eligibility.EVERYONE)
    content = client.get(public.get_absolute_url()).content.decode()
    assert 'id="service-actions-login"' in content
    assert 'id="service-request-form"' not in content


def test_the_service_page_explains_requests_to_people_without_affiliation(
    client, unaffiliated, org_b
):
    public = factories.make_service(org_b, eligibility=Eligibility.EVERYONE)
    client.force_login(unaffiliated)
    content = client.get(public.get_absolute_url()).content.decode()
    assert 'id="service-request-unavailable"' in content
    assert 'id="service-request-form"' not in content


@pytest.mark.parametrize("count", [5, 50])
def test_my_requests_runs_a_fixed_number_of_queries(
    client, employee_a, org_b, django_assert_max_num_queries, count
):
    for _ in range(count):
        service = factories.make_service(org_b, eligibility=Eligibility.ALL_PARTNERS)
        ServiceRequest.objects.create(service=service, requester=employee_a)
    client.force_login(employee_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("services:my-requests"))
    assert response.status_code == 200
    assert len(response.context["service_requests"]) == min(count, 20)


def test_my_requests_is_empty_with_a_hint(client, employee_a):
    client.force_login(employee_a)
    response = client.get(reverse("services:my-requests"))
    assert 'id="empty-state"' in response.content.decode()


def test_my_requests_needs_login(client, db):
    response = client.get(reverse("services:my-requests"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_reserved_slugs_reach_the_fixed_pages(client, employee_a, org_a):
    # Even a service that somehow got such a slug (e.g. from the admin) cannot shadow them.
    factories.make_service(org_a, slug="mie-richieste")
    client.force_login(employee_a)
    response = client.get(reverse("services:my-requests"))
    assert response.resolver_match.url_name == "my-requests"


def test_the_database_refuses_a_second_open_request_that_bypasses_the_check(employee_a, service_b):
    from django.db import IntegrityError, transaction

    ServiceRequest.objects.create(service=service_b, requester=employee_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRequest.objects.create(service=service_b, requester=employee_a)
    # An answered request does not block a new one.
    ServiceRequest.objects.update(status=ServiceRequest.Status.ACCEPTED)
    ServiceRequest.objects.create(service=service_b, requester=employee_a)
    assert ServiceRequest.objects.count() == 2


def test_a_double_submit_racing_past_the_check_gets_the_same_message(
    monkeypatch, employee_a, org_a, service_b, mailoutbox
):
    from django.core.exceptions import ValidationError

    from services import actions

    ServiceRequest.objects.create(service=service_b, requester=employee_a)
    # The other submit's row was not visible yet when this one checked.
    answers = iter([False])
    real_check = actions._has_open_request
    monkeypatch.setattr(
        actions, "_has_open_request", lambda *args: next(answers, None) or real_check(*args)
    )

    with translation.override("en"), pytest.raises(ValidationError) as error:
        actions.service_request_send(
            service=service_b, organization=org_a, kind="booking", message="", actor=employee_a
        )

    assert error.value.messages == [
        "You already sent a request for this service and it is waiting for an answer. "
        "You can follow it in “My requests”."
    ]
    assert ServiceRequest.objects.count() == 1
    assert mailoutbox == []


def test_the_admin_form_refuses_a_second_open_request_with_the_constraints_message(
    employee_a, service_b
):
    from django.core.exceptions import ValidationError

    ServiceRequest.objects.create(service=service_b, requester=employee_a)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        ServiceRequest(service=service_b, requester=employee_a).validate_constraints()
    with translation.override("en"):
        assert error.value.messages == [
            "This person already has a request for this service awaiting an answer."
        ]
