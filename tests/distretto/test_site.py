import pytest
from django.core.exceptions import ImproperlyConfigured

from distretto.settings import database_from_url


def test_home_answers_in_italian(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="it">' in response.content.decode()


def test_healthz_says_the_process_is_alive_in_plain_text(client):
    # No `db` fixture: touching the database would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"ok\n"


def test_healthz_is_get_only(client, db):
    assert client.post("/healthz").status_code == 405


def test_database_url_absent_means_sqlite_in_the_project():
    config = database_from_url("")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert str(config["NAME"]).endswith("db.sqlite3")


def test_database_url_sqlite_absolute_path():
    config = database_from_url("sqlite:////tmp/distretto.sqlite3")
    assert config["NAME"] == "/tmp/distretto.sqlite3"


def test_database_url_postgresql():
    config = database_from_url("postgresql://user:p%40ss@db.example:5433/distretto")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("distretto", "user", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.example", "5433")


def test_database_url_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://localhost/distretto")
