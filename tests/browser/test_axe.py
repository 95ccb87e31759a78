"""The accessibility check itself: axe must run and report, or "no violations" means nothing."""

from tests.browser.conftest import axe_violations


def test_axe_reports_an_image_without_alternative_text_and_a_page_without_language(page):
    page.set_content("<!doctype html><title>Prova</title><main><img src='logo.png'></main>")
    found = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "html-has-lang"} <= found
