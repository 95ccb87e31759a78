"""Services that run only with enough bookings, and for a limited number of people: the
minimum, the places, the waiting list, offers of freed places, and the deadline."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from partners.models import Affiliation
from services import actions
from services.models import ServiceRequest
from services.rules import booking_progress
from tests import factories

BOOKING = ServiceRequest.Kind.BOOKING
Place = ServiceRequest.Place


@pytest.fixture
def summer_daycare(org_a):
    """FBK's summer daycare for 0–3 year olds: it runs with 3 bookings, 4 places."""
    referent = factories.make_user("referente@alfa.example")
    factories.affiliate(referent, org_a, role=Affiliation.Role.REFERENT)
    return factories.make_service(
        org_a,
        title="Nido estivo 0-3",
        slug="nido-estivo",
        minimum_participants=3,
        capacity=4,
        signup_deadline=timezone.localdate() + datetime.timedelta(days=10),
    )


@pytest.fixture
def families(org_b):
    people = []
    for index in range(6):
        person = factories.make_user(f"genitore{index}@beta.example")
        factories.affiliate(person, org_b)
        people.append(person)
    return people


def book(service, person, kind=BOOKING):
    organization = Affiliation.objects.filter(user=person).first().organization
    return actions.service_request_send(
        service=service, organization=organization, kind=kind, message="", actor=person
    )


def run_on_commit(django_capture_on_commit_callbacks, function, *args, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return function(*args, **kwargs)


def test_bookings_count_toward_the_minimum_and_everybody_is_told_once(
    summer_daycare, families, django_capture_on_commit_callbacks
):
    run_on_commit(
        django_capture_on_commit_callbacks,
        book,
        summer_daycare,
        families[5],
        ServiceRequest.Kind.INTEREST,
    )
    for person in families[:2]:
        assert (
            run_on_commit(django_capture_on_commit_callbacks, book, summer_daycare, person).place
            == Place.TAKEN
        )
    summer_daycare.refresh_from_db()
    assert summer_daycare.minimum_reached_at is None
    assert booking_progress(summer_daycare).missing == 1
    mail.outbox.clear()

    run_on_commit(django_capture_on_commit_callbacks, book, summer_daycare, families[2])
    summer_daycare.refresh_from_db()
    assert summer_daycare.minimum_reached_at is not None
    told = sorted(  # the "minimum reached" mail, to the referents and the place holders
        address
        for message in mail.outbox
        if "will run" in message.subject
        or "si farà" in message.subject.lower()
        or "minim" in message.subject.lower()
        for address in message.to
    )
    assert "referente@alfa.example" in told
    assert {"genitore0@beta.example", "genitore1@beta.example", "genitore2@beta.example"} <= set(
        told
    )

    mail.outbox.clear()
    run_on_commit(django_capture_on_commit_callbacks, book, summer_daycare, families[3])
    assert not [m for m in mail.outbox if "minim" in m.subject.lower()]


def test_past_the_places_bookings_wait_in_order(summer_daycare, families):
    places = [book(summer_daycare, person).place for person in families[:6]]
    assert places == [Place.TAKEN] * 4 + [Place.WAITING] * 2
    progress = booking_progress(summer_daycare)
    assert (progress.held, progress.waiting, progress.remaining) == (4, 2, 0)


def test_a_declined_booking_frees_its_place_for_the_next_in_line(
    summer_daycare, families, referent_a, django_capture_on_commit_callbacks
):
    requests = [book(summer_daycare, person) for person in families[:6]]
    mail.outbox.clear()
    run_on_commit(
        django_capture_on_commit_callbacks,
        actions.service_request_answer,
        service_request=requests[1],
        status=ServiceRequest.Status.DECLINED,
        answer="Siamo al completo per quella settimana.",
        actor=referent_a,
    )
    requests[4].refresh_from_db()
    requests[5].refresh_from_db()
    assert requests[4].place == Place.OFFERED and requests[4].offer_expires_at is not None
    assert requests[5].place == Place.WAITING
    assert any(message.to == ["genitore4@beta.example"] for message in mail.outbox)

    actions.place_offer_confirm(service_request=requests[4], actor=families[4])
    requests[4].refresh_from_db()
    assert requests[4].place == Place.TAKEN


def test_withdrawing_frees_the_place_and_an_unconfirmed_offer_passes_on(summer_daycare, families):
    requests = [book(summer_daycare, person) for person in families[:6]]
    actions.service_request_withdraw(service_request=requests[0], actor=families[0])
    requests[4].refresh_from_db()
    assert requests[4].place == Place.OFFERED

    # Nobody confirms in time: the offer lapses and goes to the next one.
    later = timezone.now() + datetime.timedelta(hours=actions.PLACE_OFFER_HOURS + 1)
    assert actions.place_offers_expire(later) == 1
    requests[4].refresh_from_db()
    requests[5].refresh_from_db()
    assert (requests[4].status, requests[4].place) == (
        ServiceRequest.Status.WITHDRAWN,
        Place.RELEASED,
    )
    assert requests[5].place == Place.OFFERED
    assert actions.place_offers_expire(timezone.now()) == 0  # the new offer has its own time
    with pytest.raises(ValidationError):
        actions.place_offer_confirm(service_request=requests[4], actor=families[4])


def test_only_the_requester_withdraws_or_confirms(summer_daycare, families):
    request = book(summer_daycare, families[0])
    with pytest.raises(ValidationError):
        actions.service_request_withdraw(service_request=request, actor=families[1])
    with pytest.raises(ValidationError):
        actions.place_offer_confirm(service_request=request, actor=families[0])  # not offered


def test_bookings_closing_short_of_the_minimum_tell_everyone_once(
    summer_daycare, families, django_capture_on_commit_callbacks
):
    book(summer_daycare, families[0])
    mail.outbox.clear()
    after_deadline = summer_daycare.signup_deadline + datetime.timedelta(days=1)
    assert (
        run_on_commit(
            django_capture_on_commit_callbacks, actions.signups_close_below_minimum, after_deadline
        )
        == 1
    )
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {"genitore0@beta.example", "referente@alfa.example"}
    assert actions.signups_close_below_minimum(after_deadline) == 0
    with pytest.raises(ValidationError):
        book(summer_daycare, families[1])


def test_the_page_shows_how_close_it_is_without_names(client, summer_daycare, families):
    for person in families[:2]:
        book(summer_daycare, person)
    html = client.get(summer_daycare.get_absolute_url()).content.decode()
    assert 'id="booking-progress"' in html
    assert "genitore" not in html
    assert 'value="2"' in html and 'max="3"' in html


def test_my_requests_offers_withdraw_and_confirm(client, summer_daycare, families):
    requests = [book(summer_daycare, person) for person in families[:5]]
    client.force_login(families[4])
    assert (
        client.post(reverse("services:request-withdraw", kwargs={"pk": requests[0].pk})).status_code
        == 404
    )
    client.force_login(families[0])
    response = client.post(reverse("services:request-withdraw", kwargs={"pk": requests[0].pk}))
    assert response.status_code == 302
    client.force_login(families[4])
    page = client.get(reverse("services:my-requests")).content.decode()
    assert reverse("services:place-confirm", kwargs={"pk": requests[4].pk}) in page
    client.post(reverse("services:place-confirm", kwargs={"pk": requests[4].pk}))
    requests[4].refresh_from_db()
    assert requests[4].place == Place.TAKEN


def test_places_cannot_be_fewer_than_the_minimum(org_a):
    service = factories.make_service(org_a, slug="pochi-posti")
    service.minimum_participants, service.capacity = 5, 3
    with pytest.raises(ValidationError):
        service.full_clean()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_place_at_once_end_with_one_place_and_one_wait(org_a, org_b):
    service = factories.make_service(org_a, slug="ultimo-posto", capacity=1)
    people = []
    for index in range(2):
        person = factories.make_user(f"corsa{index}@beta.example")
        factories.affiliate(person, org_b)
        people.append(person)
    barrier = threading.Barrier(2)
    places, errors = [], []

    def take(person):
        try:
            barrier.wait()
            places.append(book(service, person).place)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(places) == [Place.TAKEN, Place.WAITING]
    assert ServiceRequest.objects.filter(service=service).holding_places().count() == 1
