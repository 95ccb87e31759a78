"""Readiness checks for the load balancer (/readyz).

Each check answers a dict with `ok` and what it measured; a check that raises is not ok, with
the exception's class as `error` (never its text: the answer is public). The task queue is
looked at only when django_tasks_db is installed, and its depth or age never makes an app
server unready: a slow worker is not a reason to stop serving pages.
"""

import time
import uuid

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

PROBE_KEY = "readyz-probe"
TASKS_APP = "django_tasks_db"


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def check_cache() -> dict:
    token = uuid.uuid4().hex
    cache.set(PROBE_KEY, token, 30)
    return {"ok": cache.get(PROBE_KEY) == token}


def check_storage() -> dict:
    """Every storage of settings.STORAGES but the static files answers a lookup."""
    for alias in settings.STORAGES:
        if alias != "staticfiles":
            storages[alias].exists(PROBE_KEY)
    return {"ok": True}


def check_queue() -> dict:
    """How many tasks wait, and for how long the oldest has been waiting."""
    if not apps.is_installed(TASKS_APP):
        return {"ok": True, "skipped": True}
    from django_tasks_db.models import DBTaskResult  # only importable when installed

    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    return {"ok": True, "depth": waiting.count(), "oldest_age_seconds": round(age, 1)}


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
    "queue": check_queue,
}


def readiness() -> tuple[bool, dict]:
    """Run every check: (all ok, {name: result with its duration})."""
    results = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            result = {"ok": False, "error": type(error).__name__}
        result["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return all(result["ok"] for result in results.values()), results
