"""JSON log lines, one per request, and the request id on every line of the request."""

import io
import json
import logging
import sys

import pytest
from django.test import Client

from common.logging import JsonFormatter, RequestIdFilter
from common.request_id import current_request_id, request_id_from


@pytest.fixture
def json_lines():
    """What the production handler writes (JSON, request id filter), as parsed lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    lines = []

    def read():
        text = stream.getvalue()
        lines[:] = [json.loads(line) for line in text.splitlines()]
        return lines

    yield read
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_record_is_one_json_line_with_time_level_logger_and_extras():
    record = logging.LogRecord("distretto.x", logging.WARNING, __file__, 1, "hi %s", ("you",), None)
    record.status = 404
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "distretto.x"
    assert entry["message"] == "hi you" and entry["status"] == 404
    assert entry["time"].endswith("+00:00")


def test_a_traceback_is_one_event():
    try:
        raise ValueError("bad value")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    exception = json.loads(line)["exception"]
    assert exception.startswith("Traceback") and "ValueError: bad value" in exception


@pytest.mark.parametrize(
    "header", ["abc123", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "a1b2c3d4-e5f6-4711-8000-0123456789ab"]
)
def test_a_sane_incoming_request_id_is_kept(header):
    assert request_id_from(header) == header


@pytest.mark.parametrize(
    "header", [None, "", "two words", "id\nforged: line", "x" * 129, "<script>", "-leading"]
)
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(header):
    new = request_id_from(header)
    assert new != header and len(new) == 32 and int(new, 16) >= 0


def test_the_response_carries_the_request_id(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-42"})["X-Request-ID"] == "lb-42"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id"})["X-Request-ID"]
    assert generated != "bad id" and len(generated) == 32
    assert current_request_id() is None  # nothing leaks past the request


def test_one_line_per_request_with_its_facts(client, json_lines):
    client.get("/healthz", headers={"X-Request-ID": "probe-1"})
    (line,) = [line for line in json_lines() if line["logger"] == "distretto.requests"]
    assert line["level"] == "INFO" and line["request_id"] == "probe-1"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["user_id"] is None
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"]


def test_the_request_line_names_the_signed_in_user(client, json_lines, employee_a):
    client.force_login(employee_a)
    client.get("/servizi/")
    (line,) = [line for line in json_lines() if line["logger"] == "distretto.requests"]
    assert line["user_id"] == employee_a.pk and line["status"] == 200


@pytest.mark.urls("tests.common.logging_urls")
def test_every_line_of_a_request_carries_its_id(client, json_lines):
    client.get("/chatty", headers={"X-Request-ID": "req-7"})
    lines = json_lines()
    assert {line["logger"] for line in lines} >= {"distretto.example", "distretto.requests"}
    assert {line["request_id"] for line in lines} == {"req-7"}


@pytest.mark.urls("tests.common.logging_urls")
def test_an_error_is_one_line_with_its_traceback_and_the_request_id(db, json_lines):
    response = Client(raise_request_exception=False).get(
        "/failing", headers={"X-Request-ID": "req-8"}
    )
    assert response.status_code == 500
    errors = [line for line in json_lines() if line["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["request_id"] == "req-8"
    assert "ValueError: something broke" in errors[0]["exception"]
    assert errors[0]["exception"].startswith("Traceback")


def test_djangos_own_line_about_an_error_answer_carries_the_request_id(client, db, json_lines):
    # Django logs "Not Found: ..." once the middleware has finished: the id comes from the request.
    client.get("/pagina-che-non-esiste/", headers={"X-Request-ID": "req-9"})
    (line,) = [line for line in json_lines() if line["logger"] == "django.request"]
    assert line["message"].startswith("Not Found") and line["request_id"] == "req-9"
