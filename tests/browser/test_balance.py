"""The network's balance in a real browser: the coordinator goes from the public totals to
the whole network; a referent reads their organisation's side in the partner area."""

import pytest

from tests.browser.conftest import check_page

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "Distretto2026!"


def log_in(page, url, email):
    page.goto(f"{url}/en/account/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_function("() => !location.pathname.includes('/account/login/')")


def test_the_coordinator_reads_the_whole_network(live_server, page, demo, problems):
    log_in(page, live_server.url, "coordinatore@comune.trento.it")
    page.goto(f"{live_server.url}/en/distretto/bilancio/")
    violations = {"public": check_page(page, "balance-public")}
    page.get_by_role("link", name="The whole network, partner by partner (coordinator)").click()
    page.wait_for_url("**/en/distretto/bilancio/rete/**")
    violations["network"] = check_page(page, "balance-network")
    rows = page.locator("#balance-partners tbody tr")
    assert rows.count() >= 5
    assert "Fondazione Bruno Kessler" in page.locator("#balance-partners").inner_text()

    # Another year, chosen in the form.
    page.select_option("#id_year", "2025")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**year=2025")
    assert "2025" in page.locator("h1").inner_text()
    assert violations == {"public": [], "network": []}
    assert problems == {"csp": [], "js": [], "failed": []}


@pytest.mark.parametrize("width", [375, 1366])
def test_a_referent_reads_their_organisations_side(live_server, page, demo, problems, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server.url, "referente@fbk.eu")
    page.goto(f"{live_server.url}/en/area-partner/")
    page.locator("nav").get_by_role("link", name="Balance").click()
    page.wait_for_url("**/en/area-partner/bilancio/")
    assert page.locator("#partner-balance").is_visible()
    assert check_page(page, f"balance-partner-{width}") == []
    assert problems == {"csp": [], "js": [], "failed": []}
