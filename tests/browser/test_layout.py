"""Every page type on a phone (375 px) and a desktop (1366 px) with Bootstrap Italia reduced to
what the portal uses (assets/): styled, accessible, no missing file, and the three behaviours
the reduced script keeps (the phone menu, the language menu, the catalogue's folded filters).

Screenshots go to test-artefacts/layout-<width>-<page>.png, to compare by eye after a change
to assets/.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, check_page, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "Distretto2026!"
PUBLIC = {"home": "/", "catalogue": "/servizi/", "partners": "/partner/"}


def at_width(browser, width):
    context = browser.new_context(
        locale="it-IT",
        viewport={"width": width, "height": 800},
        is_mobile=width < 768,
        has_touch=width < 768,
    )
    return context, context.new_page()


def log_in(page, url, email):
    page.goto(f"{url}/account/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_function("() => !location.pathname.includes('/account/login/')")


def settled(page):
    """Wait until Bootstrap Italia's transitions (menu sliding in, filters unfolding) end."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def watched(page):
    problems = {"js": [], "failed": [], "csp": []}
    page.on("pageerror", lambda error: problems["js"].append(f"{page.url}: {error}"))
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.request.is_navigation_request()
            and problems["failed"].append(f"{r.status} {r.url}")
        ),
    )
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and "Content Security Policy" in m.text
            and problems["csp"].append(m.text)
        ),
    )
    return problems


@pytest.mark.parametrize("width", [375, 1366])
def test_every_page_type_is_styled_and_accessible_at_phone_and_desktop_width(
    live_server, browser, demo, width
):
    context, page = at_width(browser, width)
    problems = watched(page)
    violations = {}
    try:
        for name, path in PUBLIC.items():
            page.goto(f"{live_server.url}{path}")
            violations[name] = check_page(page, f"layout-{width}-{name}")
        page.goto(f"{live_server.url}/servizi/")
        page.locator("#service-results .card-title a").first.click()
        page.wait_for_url("**/servizi/*/")
        violations["service"] = check_page(page, f"layout-{width}-service")
        page.goto(f"{live_server.url}/account/login/")
        violations["login"] = check_page(page, f"layout-{width}-login")

        log_in(page, live_server.url, "referente@fbk.eu")
        page.goto(f"{live_server.url}/area-partner/")
        violations["partner-area"] = check_page(page, f"layout-{width}-partner-area")
        page.context.clear_cookies()

        log_in(page, live_server.url, "coordinatore@comune.trento.it")
        page.goto(f"{live_server.url}/admin/")
        expect(page.locator("#content")).to_be_visible()
        screenshot(page, f"layout-{width}-admin")
        violations["admin"] = axe_violations(page)
    finally:
        context.close()
    assert all(found == [] for found in violations.values()), violations
    assert problems == {"js": [], "failed": [], "csp": []}


def test_on_a_phone_the_menus_and_the_folded_filters_work(live_server, browser, demo):
    context, page = at_width(browser, 375)
    problems = watched(page)
    try:
        page.goto(f"{live_server.url}/servizi/")
        # The main menu (Bootstrap Italia's NavBarCollapsible) opens and closes.
        menu = page.locator("#main-menu")
        expect(menu.get_by_role("link", name="Servizi")).not_to_be_visible()
        page.locator(".custom-navbar-toggler").click()
        expect(menu.get_by_role("link", name="Servizi")).to_be_visible()
        settled(page)
        screenshot(page, "layout-375-menu-open")
        page.locator("#main-menu .close-menu").click()
        expect(menu.get_by_role("link", name="Servizi")).not_to_be_visible()

        # The language menu (Dropdown) opens.
        page.locator('[aria-controls="language-menu"]').click()
        expect(page.locator("#language-menu").get_by_role("link", name="English")).to_be_visible()
        page.keyboard.press("Escape")

        # The catalogue's filters (Collapse) are folded and unfold.
        toggle = page.locator("#filter-fields-toggle")
        expect(page.locator("#filter-fields")).not_to_be_visible()
        screenshot(page, "layout-375-catalogue-filters-folded")
        toggle.click()
        expect(page.locator("#filter-fields")).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        settled(page)
        screenshot(page, "layout-375-catalogue-filters-open")
        assert axe_violations(page) == []
    finally:
        context.close()
    assert problems == {"js": [], "failed": [], "csp": []}
