"""The needs survey in a real browser: an employee answers from the profile page on a
phone; the coordinator reads needs against supply and downloads the gaps."""

import datetime

import pytest
from django.utils import timezone

from services.models import NeedsAnswer, NeedsSurvey
from tests.browser.conftest import check_page, choose

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "Distretto2026!"


def log_in(page, url, email):
    page.goto(f"{url}/en/account/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_function("() => !location.pathname.includes('/account/login/')")


def test_an_employee_answers_and_the_coordinator_reads_the_gaps(
    live_server, page, new_page, demo, problems
):
    today = timezone.localdate()
    NeedsSurvey.objects.create(
        year=today.year,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
    )
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, live_server.url, "referente@fbk.eu")
    page.goto(f"{live_server.url}/en/account/profilo/")
    page.locator("#needs-survey-callout").get_by_role("link", name="Answer the survey").click()
    page.wait_for_url("**/en/servizi/indagine-bisogni/")
    violations = {"form": check_page(page, "needs-form-375")}
    page.locator("fieldset#id_categories label").first.click()
    choose(page, "age_bands", "0-3")
    page.fill("#id_comment", "Un centro estivo anche ad agosto.")
    page.get_by_role("button", name="Send my answer").click()
    page.wait_for_url("**/en/servizi/indagine-bisogni/")
    assert page.get_by_role("status").count() >= 1
    assert NeedsAnswer.objects.get().age_bands == ["0-3"]

    coordinator = new_page()
    coordinator.set_viewport_size({"width": 1366, "height": 900})
    log_in(coordinator, live_server.url, "coordinatore@comune.trento.it")
    coordinator.goto(f"{live_server.url}/en/distretto/bisogni/")
    assert coordinator.locator("#needs-answer-count").inner_text().startswith("1 answer")
    violations["results"] = check_page(coordinator, "needs-results-1366")
    download = coordinator.request.get(f"{live_server.url}/en/distretto/bisogni/divari.csv")
    assert download.headers["content-type"].startswith("text/csv")
    assert violations == {"form": [], "results": []}
    assert problems == {"csp": [], "js": [], "failed": []}
