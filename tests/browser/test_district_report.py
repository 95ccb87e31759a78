"""The yearly report in a real browser: the coordinator goes from the network's balance to
the report's page, chooses the spreadsheet in English and downloads it."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.browser.conftest import check_page
from tests.browser.test_balance import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coordinator_downloads_the_yearly_report(live_server, page, demo, problems):
    log_in(page, live_server.url, "coordinatore@comune.trento.it")
    page.goto(f"{live_server.url}/en/distretto/bilancio/rete/?year=2025")
    page.get_by_role(
        "link", name="The district's yearly report for the Provincia (PDF or spreadsheet)"
    ).click()
    page.wait_for_url("**/en/distretto/rapporto/**")
    violations = check_page(page, "district-report")
    assert page.locator("#id_year").input_value() == "2025"
    assert page.locator("#id_language").input_value() == "en"

    page.select_option("#id_format", "xlsx")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the report").click()
    download = download_info.value
    assert download.suggested_filename == "yearly-report-2025.xlsx"
    workbook = load_workbook(BytesIO(download.path().read_bytes()))
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Year"] == 2025
    assert summary["Active members"] >= 5

    page.select_option("#id_format", "pdf")
    page.select_option("#id_language", "it")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the report").click()
    download = download_info.value
    assert download.suggested_filename == "rendicontazione-2025.pdf"
    reader = PdfReader(BytesIO(download.path().read_bytes()))
    text = " ".join(" ".join(sheet.extract_text() for sheet in reader.pages).split())
    assert "Fondazione Bruno Kessler" in text
    assert violations == []
    assert problems == {"csp": [], "js": [], "failed": []}
