"""A service with a minimum and places, in a real browser: the last place goes to the first
booking, the next one waits; the page shows how close the service is to running."""

import pytest

from services.models import ServiceRequest, WelfareService
from tests.browser.conftest import check_page, choose

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "Distretto2026!"
SERVICE = "consulenza-familiari-anziani"


def log_in(page, url, email):
    page.goto(f"{url}/en/account/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_function("() => !location.pathname.includes('/account/login/')")


def book(page, url):
    page.goto(f"{url}/en/servizi/{SERVICE}/")
    form = page.locator("#service-request-form")
    choose(form, "kind", "booking")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/en/servizi/mie-richieste/")


def test_the_last_place_and_the_waiting_list(live_server, page, new_page, demo, problems):
    WelfareService.objects.filter(slug=SERVICE).update(minimum_participants=1, capacity=1)
    log_in(page, live_server.url, "referente@unitn.it")
    page.goto(f"{live_server.url}/en/servizi/{SERVICE}/")
    progress = page.locator("#booking-progress")
    assert "1 more needed" in progress.inner_text()
    violations = {"service": check_page(page, "waitlist-service")}
    book(page, live_server.url)
    assert page.locator("[data-place=taken]").count() == 1

    second = new_page()
    second.set_viewport_size({"width": 375, "height": 800})
    log_in(second, live_server.url, "referente@apsp-grazioli.example")
    second.goto(f"{live_server.url}/en/servizi/{SERVICE}/")
    assert "waiting list" in second.locator("#booking-progress").inner_text()
    book(second, live_server.url)
    assert second.locator("[data-place=waiting]").count() == 1
    violations["my-requests"] = check_page(second, "waitlist-my-requests-375")

    # The first person withdraws: the place is offered to the second, who confirms it.
    page.locator("#request-list").get_by_role("button", name="Withdraw").click()
    second.reload()
    second.get_by_role("button", name="Confirm my place").click()
    assert second.locator("[data-place=taken]").count() == 1
    held = ServiceRequest.objects.filter(service__slug=SERVICE).holding_places()
    assert [request.requester.email for request in held] == ["referente@apsp-grazioli.example"]
    assert violations == {"service": [], "my-requests": []}
    assert problems == {"csp": [], "js": [], "failed": []}
