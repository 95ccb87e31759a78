"""Open data in a real browser: a developer finds the page from the footer, reads what the
data hold and how to reuse them, and fetches the API and the data package."""

import io
import json
import zipfile

import pytest

from tests.browser.conftest import check_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("prefix", "link", "width"), [("", "Dati aperti", 375), ("/en", "Open data", 1366)]
)
def test_a_developer_finds_the_open_data_and_fetches_them(
    live_server, page, demo, problems, prefix, link, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{prefix}/")
    page.locator("footer").get_by_role("link", name=link, exact=True).click()
    page.wait_for_url(f"**{prefix}/dati-aperti/")
    assert page.locator("h1").inner_text() == link
    assert check_page(page, f"open-data{prefix.replace('/', '-')}-{width}") == []

    api = page.locator('a[href="/api/hsds/"]')
    assert api.count() == 1
    root = json.loads(page.request.get(live_server.url + "/api/hsds/").text())
    assert root["version"] == "3.0"
    services = page.request.get(live_server.url + "/api/hsds/services?per_page=100").json()
    assert services["total_items"] > 0
    # Only services open to everyone: the catalogue a visitor sees has the same number.
    page.goto(f"{live_server.url}{prefix}/servizi/")
    assert str(services["total_items"]) in page.locator("main").inner_text()

    package = page.request.get(live_server.url + "/api/hsds/datapackage.zip")
    assert package.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(package.body())).namelist()
    assert "datapackage.json" in names and "services.csv" in names
    assert problems == {"csp": [], "js": [], "failed": []}
