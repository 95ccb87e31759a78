"""The public portal in a real browser (issue 3): a visitor's journey and every page type.

The demo district (distretto/demo.py) gives the pages realistic content. Each test loads it
once: browser tests need committed data, so their database is flushed after every test.
"""

import pytest

from tests.browser.conftest import check_page

pytestmark = pytest.mark.django_db(transaction=True)

FBK = "fondazione-bruno-kessler"

#: One address per public page type, with the status it must answer.
PAGE_TYPES = {
    "home": ("/", 200),
    "district": ("/distretto/", 200),
    "partner-list": ("/partner/", 200),
    "partner-detail": (f"/partner/{FBK}/", 200),
    "agreement-list": ("/accordi/", 200),
    "agreement-detail": ("/accordi/accordo-volontario-area-2018/", 200),
    "catalogue": ("/servizi/", 200),
    "catalogue-filtered": ("/servizi/?category=formazione&q=genitori", 200),
    "catalogue-no-results": ("/servizi/?q=piscina", 200),
    "service-detail": ("/servizi/consulenza-familiari-anziani/", 200),
    "programme": ("/programma/", 200),
    "open-data": ("/dati-aperti/", 200),
    "not-found": ("/servizi/servizio-che-non-esiste/", 404),
}


def test_a_visitor_finds_a_service_and_reads_its_provider_in_english(
    live_server, page, demo, problems
):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "it"

    # From the main navigation to the catalogue.
    page.locator('#main-menu a[href="/servizi/"]').click()
    page.wait_for_url("**/servizi/")
    all_results = page.locator("#service-results > li").count()
    assert all_results > 2

    # Filter by category and free text, as a visitor would: the form, then "apply".
    page.select_option("#id_category", "formazione")
    page.fill("#id_q", "genitori")
    page.locator('#service-filters button[type="submit"]').click()
    page.wait_for_url("**/servizi/?*")
    assert "category=formazione" in page.url
    assert "q=genitori" in page.url
    titles = page.locator("#service-results .card-title a").all_inner_texts()
    assert sorted(titles) == [
        "Ciclo di incontri per genitori di adolescenti",
        "Webinar sulla genitorialità digitale",
    ]
    # Both filters show as removable chips, and the selections survive the round trip.
    chips = page.locator("#active-filters a")
    assert sorted(chips.evaluate_all("els => els.map(e => e.dataset.filter)")) == [
        "category",
        "q",
    ]
    assert page.locator("#id_category").input_value() == "formazione"
    assert page.locator("#id_q").input_value() == "genitori"

    # Open a service, then follow the link to its provider.
    page.get_by_role("link", name="Webinar sulla genitorialità digitale").click()
    page.wait_for_url("**/servizi/webinar-genitorialita-digitale/")
    assert page.locator("h1").inner_text() == "Webinar sulla genitorialità digitale"
    page.locator("#provider").get_by_role("link", name="Fondazione Bruno Kessler").click()
    page.wait_for_url(f"**/partner/{FBK}/")
    assert page.locator("h1").inner_text() == "Fondazione Bruno Kessler"
    services_offered = page.locator("#services .card-title a").all_inner_texts()
    assert "Webinar sulla genitorialità digitale" in services_offered
    italian_login = page.locator(".it-access-top-wrapper a").inner_text()
    italian_member_since = page.locator("dt + dd").first.inner_text()

    # Switch to English with the language menu in the header.
    page.locator(".it-header-slim-right-zone .dropdown-toggle").click()
    english = page.locator('#language-menu a[hreflang="en"]')
    english.wait_for(state="visible")
    english.click()
    page.wait_for_url(f"**/en/partner/{FBK}/")

    # The same page, translated: same organisation and content, English interface.
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Fondazione Bruno Kessler"
    assert page.get_by_role("heading", name="Services offered").is_visible()
    assert page.get_by_role("heading", name="Family Audit certification").is_visible()
    assert page.locator(".it-access-top-wrapper a").inner_text() == "Log in"
    assert italian_login != "Log in"
    assert page.locator("dt + dd").first.inner_text() == "10 October 2018"
    assert italian_member_since != "10 October 2018"
    assert page.locator('#language-menu a[aria-current="true"]').get_attribute("hreflang") == "en"
    # Links now stay in English.
    assert page.locator('#main-menu a[href="/en/servizi/"]').count() == 1

    assert problems == {"csp": [], "js": [], "failed": []}


def test_every_public_page_type_has_no_wcag_a_or_aa_violation(live_server, page, demo, problems):
    # One test for all the page types: the demo district is loaded once, not per page.
    statuses = {}
    violations = {}
    for name, (path, _status) in PAGE_TYPES.items():
        response = page.goto(live_server.url + path)
        statuses[name] = response.status
        violations[name] = check_page(page, f"portal-{name}")

    assert statuses == {name: status for name, (_path, status) in PAGE_TYPES.items()}
    assert violations == {name: [] for name in PAGE_TYPES}
    assert problems == {"csp": [], "js": [], "failed": []}
