"""Part of `make bench`: how long every admin changelist takes, in-process (run with the app's
environment). Prints one JSON object {admin URL name: {"ms": median of 3, "queries": n}}."""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "distretto.settings")

import django  # noqa: E402

django.setup()

from django.contrib import admin  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

OUR_APPS = {"partners", "agreements", "services", "meetings", "background", "auth", "account"}


def main() -> None:
    User = get_user_model()
    superuser, _ = User.objects.get_or_create(
        username="bench-admin@persone.example",
        defaults={"email": "bench-admin@persone.example", "is_staff": True, "is_superuser": True},
    )
    client = Client()
    client.force_login(superuser)
    results = {}
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        if model._meta.app_label not in OUR_APPS:
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        url = reverse(name)
        client.get(url)
        timings = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
        results[name] = {
            "ms": round(statistics.median(timings), 1),
            "queries": len(queries),
            "status": response.status_code,
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
