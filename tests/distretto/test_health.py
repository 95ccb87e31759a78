"""/healthz and /readyz: what a load balancer asks, over plain HTTP, never cached."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.utils import timezone

from common import health


def test_readyz_reports_each_check_and_200_when_all_are_ok(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage", "queue"}
    assert all(check["ok"] for check in body["checks"].values())
    assert all("duration_ms" in check for check in body["checks"].values())


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_are_never_cached_and_get_only(client, db, path):
    response = client.get(path)
    assert "no-store" in response["Cache-Control"]
    assert client.post(path).status_code == 405


def test_readyz_is_503_when_the_database_cannot_be_reached(client, db):
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
        "duration_ms": body["checks"]["database"]["duration_ms"],
    }
    # The failure's text is not published: only its kind.
    assert "down" not in response.content.decode()


def test_readyz_is_503_when_the_cache_does_not_keep_a_value(client, db):
    with mock.patch.object(cache, "get", return_value=None):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


def test_readyz_is_503_when_a_storage_does_not_answer(client, db):
    with mock.patch(
        "django.core.files.storage.FileSystemStorage.exists", side_effect=OSError("gone")
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {
        "ok": False,
        "error": "OSError",
        "duration_ms": response.json()["checks"]["storage"]["duration_ms"],
    }


def test_the_queue_check_is_skipped_without_the_task_queue_app(db, monkeypatch):
    monkeypatch.setattr(health.apps, "is_installed", lambda name: False)
    assert health.check_queue() == {"ok": True, "skipped": True}


def test_the_queue_check_counts_waiting_tasks_and_the_age_of_the_oldest(db):
    if not health.apps.is_installed(health.TASKS_APP):
        pytest.skip("django_tasks_db is not installed")
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    for minutes in (10, 2):
        task = DBTaskResult.objects.create(
            task_path="tests.example.task",
            args_kwargs={"args": [], "kwargs": {}},
            backend_name="default",
            run_after=now - timezone.timedelta(minutes=minutes),
        )
        DBTaskResult.objects.filter(pk=task.pk).update(
            enqueued_at=now - timezone.timedelta(minutes=minutes)
        )
    result = health.check_queue()
    assert result["ok"] is True and result["depth"] == 2
    assert 600 <= result["oldest_age_seconds"] < 700


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_over_plain_http_when_https_is_enforced(settings, db, path):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # a new handler: SecurityMiddleware reads the settings once
    assert client.get("/").status_code == 301
    response = client.get(path)
    assert response.status_code == 200
