"""The 503 page nginx sends when no app server answers is the portal's own, in Italian."""

import io

from django.core.management import call_command


def test_the_unavailable_page_is_rendered_into_the_static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    call_command("render_error_pages", stdout=io.StringIO())

    page = (tmp_path / "errors" / "503.html").read_text()
    assert page.startswith("<!doctype html>")
    assert '<html lang="it">' in page
    assert "Servizio temporaneamente non disponibile" in page
    assert "/static/bootstrap-italia/css/bootstrap-italia.min.css" in page
