"""Referents answer the requests about their services; the employee gets the answer by mail."""

import pytest
from django.urls import reverse

from services.models import ServiceRequest
from tests import factories
from tests.area.helpers import en


@pytest.fixture
def client_a(client, referent_a):
    client.force_login(referent_a)
    return client


@pytest.fixture
def open_request(service_a, org_b, employee_b):
    return ServiceRequest.objects.create(
        service=service_a,
        requester=employee_b,
        requester_organization=org_b,
        kind=ServiceRequest.Kind.BOOKING,
        message="Vorrei iscrivere mia figlia per luglio.",
    )


def test_the_list_shows_open_requests_about_the_organisations_services(
    client_a, open_request, org_b, employee_a, category
):
    other = factories.make_service(org_b, category=category)
    ServiceRequest.objects.create(service=other, requester=employee_a)
    ServiceRequest.objects.create(
        service=open_request.service, requester=employee_a, status="accepted"
    )
    response = client_a.get(reverse("area:request-list"))
    assert [r.pk for r in response.context["service_requests"]] == [open_request.pk]
    response = client_a.get(reverse("area:request-list"), {"status": "all"})
    assert len(response.context["service_requests"]) == 2
    response = client_a.get(reverse("area:request-list"), {"status": "<script>"})
    assert response.status_code == 200


def test_the_answer_page_shows_the_request(client_a, open_request):
    response = client_a.get(reverse("area:request-answer", kwargs={"pk": open_request.pk}))
    content = response.content.decode()
    assert "bob@beta.example" in content
    assert "Vorrei iscrivere mia figlia per luglio." in content


def test_accepting_sends_the_answer_to_the_employee(
    client_a, open_request, referent_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            reverse("area:request-answer", kwargs={"pk": open_request.pk}),
            {"status": "accepted", "answer": "Confermato, la aspettiamo il 1° luglio."},
        )
    assert response.status_code == 302
    open_request.refresh_from_db()
    assert open_request.status == ServiceRequest.Status.ACCEPTED
    assert open_request.answered_by == referent_a
    assert open_request.answered_at is not None
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["bob@beta.example"]
    assert "Nido di Alfa" in mail.subject
    assert "Confermato, la aspettiamo il 1° luglio." in mail.body
    assert "http://127.0.0.1:8000/servizi/mie-richieste/" in mail.body


@pytest.mark.parametrize("status", ["declined", "more_info"])
def test_declining_or_asking_for_more_needs_a_message(client_a, open_request, status, mailoutbox):
    response = client_a.post(
        en("area:request-answer", pk=open_request.pk), {"status": status, "answer": ""}
    )
    assert response.status_code == 200
    assert "answer" in response.context["form"].errors
    open_request.refresh_from_db()
    assert open_request.status == ServiceRequest.Status.OPEN
    assert mailoutbox == []


@pytest.mark.parametrize("status", ["open", "", "maybe"])
def test_only_real_answers_are_accepted(client_a, open_request, status):
    response = client_a.post(
        reverse("area:request-answer", kwargs={"pk": open_request.pk}),
        {"status": status, "answer": "Vediamo."},
    )
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    open_request.refresh_from_db()
    assert open_request.status == ServiceRequest.Status.OPEN


def test_the_referent_of_b_cannot_answer_requests_of_a(client, referent_b, open_request):
    client.force_login(referent_b)
    response = client.post(
        reverse("area:request-answer", kwargs={"pk": open_request.pk}),
        {"status": "accepted", "answer": "Sì"},
    )
    assert response.status_code == 404
    open_request.refresh_from_db()
    assert open_request.status == ServiceRequest.Status.OPEN


@pytest.mark.parametrize("count", [5, 50])
def test_the_request_list_runs_a_fixed_number_of_queries(
    client_a, service_a, org_b, django_assert_max_num_queries, count
):
    for _ in range(count):
        ServiceRequest.objects.create(
            service=service_a, requester=factories.make_user(), requester_organization=org_b
        )
    with django_assert_max_num_queries(8):
        response = client_a.get(reverse("area:request-list"))
    assert response.status_code == 200


def test_the_same_answer_sent_twice_is_recorded_and_mailed_once(
    client_a, open_request, mailoutbox, django_capture_on_commit_callbacks
):
    """A referent resending the form after an error page (the first had gone through, found by
    `make drill`) does not send the employee the same answer twice."""
    url = reverse("area:request-answer", kwargs={"pk": open_request.pk})
    answer = {"status": "accepted", "answer": "Confermato, la aspettiamo il 1° luglio."}
    with django_capture_on_commit_callbacks(execute=True):
        assert client_a.post(url, answer).status_code == 302
    open_request.refresh_from_db()
    answered_at = open_request.answered_at

    with django_capture_on_commit_callbacks(execute=True):
        assert client_a.post(url, answer).status_code == 302

    open_request.refresh_from_db()
    assert open_request.answered_at == answered_at
    assert len(mailoutbox) == 1
    # A different answer is a new answer: recorded and mailed.
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(url, {"status": "more_info", "answer": "Quanti anni ha sua figlia?"})
    open_request.refresh_from_db()
    assert open_request.status == ServiceRequest.Status.MORE_INFO
    assert len(mailoutbox) == 2
