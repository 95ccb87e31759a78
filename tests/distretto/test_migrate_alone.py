"""`migrate` alone gives a working site: the database cache's table comes with it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "distretto_cache",
    }
}
SIGN_UP = {
    "email": "nuova@example.org",
    "password1": "segreto-lungo-1",
    "password2": "segreto-lungo-1",
}


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_cache_table_that_sign_up_needs(settings, client):
    settings.CACHES = DATABASE_CACHE
    with connection.schema_editor() as editor:
        editor.execute(editor.sql_delete_table % {"table": editor.quote_name("distretto_cache")})
    assert "distretto_cache" not in connection.introspection.table_names()

    call_command("migrate", verbosity=0)

    assert "distretto_cache" in connection.introspection.table_names()
    caches["default"].clear()
    response = client.post(reverse("account_signup"), SIGN_UP)
    assert response.status_code == 302


def test_a_server_on_a_database_made_by_migrate_alone_signs_people_up(tmp_path):
    # The settings as a fresh checkout has them (database cache), on a new SQLite file.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}", "DEBUG": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    script = (
        "from django.test import Client; from django.urls import reverse; "
        f"r = Client().post(reverse('account_signup'), {SIGN_UP!r}); print(r.status_code)"
    )
    answer = subprocess.run(
        [*manage, "shell", "-c", script],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    assert answer.stdout.strip().splitlines()[-1] == "302", answer.stderr
