"""The catalogue on a phone (375 px wide): results first, filters folded, focus after a search."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_page

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 375, 667


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": WIDTH, "height": HEIGHT},
        "is_mobile": True,
        "has_touch": True,
    }


def box(page, selector):
    """Where an element is, in page coordinates (not the viewport's)."""
    return page.locator(selector).first.evaluate(
        """e => { const r = e.getBoundingClientRect();
                  return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY,
                          viewportTop: r.top}; }"""
    )


def test_on_a_phone_a_search_takes_the_person_to_the_announced_results(
    live_server, page, demo, problems
):
    page.goto(live_server.url + "/servizi/")
    toggle = page.locator("#filter-fields-toggle")
    # With results on the page, the filters are folded away behind one button...
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#filter-fields").is_visible()
    # ... so the result count comes less than a screen below the start of the form.
    assert box(page, "#results-heading")["top"] - box(page, "#service-filters")["top"] < HEIGHT
    # Arriving on the page does not move focus.
    assert page.evaluate("document.activeElement.id") != "results-heading"

    # A search for a word the services do not use ("nonni" for the elderly).
    page.fill("#id_q", "nonni")
    page.press("#id_q", "Enter")
    page.wait_for_url("**/servizi/?*q=nonni*")
    heading = page.locator("#results-heading")
    count = heading.inner_text()
    assert re.fullmatch(r"[2-9] servizi trovati", count)
    # Focus is on the results heading, which is in view with the first result below it.
    expect(heading).to_be_focused()
    assert 0 <= box(page, "#results-heading")["viewportTop"] < HEIGHT / 2
    assert box(page, "#service-results > li")["viewportTop"] < HEIGHT
    # The count is announced through the live region.
    status = page.locator("#results-status")
    assert status.get_attribute("aria-live") == "polite"
    expect(status).to_have_text(count)
    titles = page.locator("#service-results .card-title a").all_inner_texts()
    assert "Consulenza per i familiari di persone anziane" in titles

    # The filters open with their button, and the page is accessible in both states.
    assert check_page(page, "catalogue-phone-results") == []
    toggle.click()
    page.locator("#filter-fields").wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert check_page(page, "catalogue-phone-filters-open") == []

    # Removing a filter chip is a search too: focus goes back to the results.
    page.locator('#active-filters a[data-filter="q"]').click()
    page.wait_for_url(lambda url: "nonni" not in url)
    expect(heading).to_be_focused()

    assert problems == {"csp": [], "js": [], "failed": []}


def test_on_a_phone_partial_matches_are_said_and_announced(live_server, page, demo, problems):
    page.goto(live_server.url + "/servizi/")
    page.fill("#id_q", "webinar genitori piscina")
    page.press("#id_q", "Enter")
    page.wait_for_url("**/servizi/?*q=*")
    notice = page.locator("#search-notice")
    assert notice.is_visible()
    expect(page.locator("#results-status")).to_contain_text(notice.inner_text().split(":")[0])
    assert page.locator("#service-results .card-title a").first.inner_text() == (
        "Webinar sulla genitorialità digitale"
    )
    assert check_page(page, "catalogue-phone-partial") == []
    assert problems == {"csp": [], "js": [], "failed": []}


def test_on_a_phone_without_results_the_filters_stay_open(live_server, page, demo, problems):
    page.goto(live_server.url + "/servizi/?q=zqxwv")
    assert page.locator("#filter-fields").is_visible()
    assert page.locator("#filter-fields-toggle").get_attribute("aria-expanded") == "true"
    assert check_page(page, "catalogue-phone-no-results") == []
    assert problems == {"csp": [], "js": [], "failed": []}
