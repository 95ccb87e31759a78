"""While the database cannot be reached: our 503 page with Retry-After, never a 500."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

from common.availability import database_unavailable_response
from distretto import views


def database_down(error=OperationalError):
    return mock.patch.object(CursorWrapper, "execute", side_effect=error("server closed"))


def assert_is_the_503_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "503" in html and "it-header-wrapper" in html
    assert "server closed" not in html


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_is_503_with_retry_after_while_the_database_is_down(client, db, error):
    with database_down(error):
        response = client.get("/")
    assert_is_the_503_page(response)
    assert "Riprova tra un minuto" in response.content.decode()


def test_the_503_page_is_translated(db):
    with database_down():
        response = Client().get("/en/")
    assert_is_the_503_page(response)
    assert 'lang="en"' in response.content.decode()
    assert "Please try again in a minute" in response.content.decode()
    with database_down():
        response = Client().get("/")
    assert 'lang="it"' in response.content.decode()
    assert "Riprova tra un minuto" in response.content.decode()


def test_a_signed_in_visit_is_503_when_the_session_cannot_be_loaded(db, employee_a):
    # The session and the user are loaded by middleware, before any view: Django's 500
    # handler meets the outage and hands it on.
    client = Client(raise_request_exception=False)
    client.force_login(employee_a)
    with database_down():
        response = client.get("/servizi/")
    assert_is_the_503_page(response)


def test_the_503_page_renders_without_the_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = database_unavailable_response()
    assert_is_the_503_page(response)


def test_the_500_handler_answers_503_for_a_database_outage(rf):
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = views.server_error(rf.get("/"))
    assert_is_the_503_page(response)


def test_other_errors_stay_500(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_outage_is_logged_once_with_its_traceback(client, db, caplog):
    with database_down():
        client.get("/")
    records = [r for r in caplog.records if r.name == "distretto.availability"]
    assert len(records) == 1
    assert records[0].levelname == "ERROR" and records[0].exc_info


@pytest.mark.urls("tests.common.availability_urls")
def test_a_session_that_cannot_be_saved_after_the_view_is_503(db, settings, employee_a):
    """The outage can begin after the view ran, when the session middleware saves the
    session on the way out (`make drill`: PostgreSQL stopped mid-request)."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    client = Client(raise_request_exception=False)
    client.force_login(employee_a)
    with mock.patch.object(store, "save", side_effect=OperationalError("server closed")):
        response = client.get("/remember")
    assert_is_the_503_page(response)
