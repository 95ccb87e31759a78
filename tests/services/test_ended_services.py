"""An ended service (its availability period is over) is not featured and takes no request."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from services import actions
from services.models import ServiceRequest, WelfareService
from tests import factories


def yesterday():
    return timezone.localdate() - timedelta(days=1)


@pytest.fixture
def ended_b(org_b, referent_b):
    return factories.make_service(
        org_b,
        title="Centro estivo 2025",
        slug="centro-estivo-2025",
        available_from=date(2025, 6, 1),
        available_until=yesterday(),
    )


def test_the_rule_ended_is_the_day_after_the_last_day_of_availability(org_a):
    today = timezone.localdate()
    last_day_today = factories.make_service(org_a, available_until=today)
    ended = factories.make_service(org_a, available_until=yesterday())
    open_ended = factories.make_service(org_a)
    not_started = factories.make_service(org_a, available_from=today + timedelta(days=30))
    assert list(WelfareService.objects.ended()) == [ended]
    assert set(WelfareService.objects.not_ended()) == {last_day_today, open_ended, not_started}
    assert ended.has_ended() and not last_day_today.has_ended()
    assert not open_ended.has_ended() and not not_started.has_ended()


def test_the_home_features_no_ended_service_and_fills_its_row(client, org_a):
    factories.make_service(
        org_a, title="Centro estivo finito", is_featured=True, available_until=yesterday()
    )
    factories.make_service(org_a, title="Sportello in evidenza", is_featured=True)
    factories.make_service(org_a, title="Doposcuola nuovo")
    factories.make_service(org_a, title="Ludoteca nuova")
    html = client.get("/en/").content.decode()
    assert "Centro estivo finito" not in html
    featured = html[html.index('id="featured-services"') :]
    featured = featured[: featured.index("</section>")]
    # One featured service and two others: a full row of three, no empty slot.
    assert featured.count('class="col-12 col-md-6 col-lg-4 mb-4"') == 3
    assert "Sportello in evidenza" in featured


def test_the_service_page_says_why_an_ended_service_cannot_be_requested(
    client, employee_a, ended_b
):
    client.force_login(employee_a)
    html = client.get("/en" + ended_b.get_absolute_url()).content.decode()
    assert 'id="service-request-form"' not in html
    assert 'id="service-request-closed"' in html
    assert "it can no longer be requested" in html


def test_a_request_about_an_ended_service_is_refused_with_the_reason(client, employee_a, ended_b):
    client.force_login(employee_a)
    response = client.post(
        "/en" + reverse("services:service-request", kwargs={"slug": ended_b.slug}),
        {"kind": "booking", "message": "Due bambini."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "it can no longer be requested" in html
    assert 'id="service-request-form"' not in html
    assert not ServiceRequest.objects.exists()


def test_the_action_refuses_an_ended_service_too(employee_a, org_a, ended_b):
    with pytest.raises(ValidationError):
        actions.service_request_send(
            service=ended_b, organization=org_a, kind="booking", message="", actor=employee_a
        )
    assert not ServiceRequest.objects.exists()
