"""Production settings: refuse to start half-configured, and pass Django's deploy checks."""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "EMAIL_HOST",
            "DATABASE_URL",
            # set by the browser tests for their own process; never in production
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production_env(tmp_path):
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "distretto.example",
        "EMAIL_HOST": "smtp.distretto.example",
        "DATABASE_URL": f"sqlite:///{tmp_path}/deploy.sqlite3",
    }


def test_production_refuses_to_start_without_a_secret_key(production_env):
    result = run_manage("check", env_overrides=production_env | {"SECRET_KEY": ""})
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(production_env):
    result = run_manage("check", env_overrides=production_env | {"ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "set ALLOWED_HOSTS" in result.stderr


def test_production_settings_pass_the_deploy_checks_without_warnings(production_env):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=production_env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- The documented production environment (deploy/distretto.env.example) -------------------

ENV_EXAMPLE = ROOT / "deploy" / "distretto.env.example"
# os.environ.get("X"), os.environ["X"], os.getenv("X"), envbool("X", ...) and friends.
ENV_READ = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|os\.environ\.setdefault|\benv[a-z_]*)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)
ENV_LINE = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")


def variables_read_by_settings() -> set[str]:
    text = (ROOT / "distretto" / "settings.py").read_text()
    return {first or second for first, second in ENV_READ.findall(text)}


def env_example() -> tuple[set[str], dict[str, str]]:
    """(every variable named in the file, the values it sets: its uncommented lines)."""
    documented, values = set(), {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if match := ENV_LINE.match(line.strip()):
            commented, name, value = match.groups()
            documented.add(name)
            if not commented:
                values[name] = value
    return documented, values


def test_the_settings_reader_finds_the_variables_it_should():
    # The parser below is what keeps the env file complete: it must see every helper.
    found = variables_read_by_settings()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "EMAIL_HOST", "TRUSTED_PROXY_COUNT"} <= found
    assert {"LOG_FORMAT", "LOG_LEVEL", "SENTRY_DSN"} <= found


def test_every_variable_read_by_the_settings_is_documented_in_the_env_example():
    documented, _ = env_example()
    missing = variables_read_by_settings() - documented
    assert not missing, f"add to deploy/distretto.env.example: {sorted(missing)}"


def test_every_variable_of_the_env_example_has_a_comment():
    lines = ENV_EXAMPLE.read_text().splitlines()
    for index, line in enumerate(lines):
        if ENV_LINE.match(line.strip()):
            above = lines[index - 1].strip()
            assert above.startswith("#"), f"no comment above {line!r}"


def test_the_documented_production_environment_passes_the_deploy_checks():
    _, values = env_example()
    assert values["DEBUG"] == "0" and values["EMAIL_HOST"]
    # Only the file's values count: nothing from the environment running the tests.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in variables_read_by_settings() and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env |= values | {"SECRET_KEY": secrets.token_urlsafe(64)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# --- Logging format and Sentry ------------------------------------------------------------

PRINT_OBSERVABILITY = """
import django, json, sentry_sdk
django.setup()
from django.conf import settings
client = sentry_sdk.get_client()
print(json.dumps({
    "log_format": settings.LOGGING["handlers"]["console"]["formatter"],
    "sentry_active": client.is_active(),
    "send_default_pii": client.options.get("send_default_pii") if client.is_active() else None,
    "integrations": sorted(client.integrations) if client.is_active() else [],
}))
"""


def observability_of(env_overrides):
    env = {
        key: value for key, value in os.environ.items() if key not in {"SENTRY_DSN", "LOG_FORMAT"}
    }
    env |= {"DJANGO_SETTINGS_MODULE": "distretto.settings"} | env_overrides
    result = subprocess.run(
        [sys.executable, "-c", PRINT_OBSERVABILITY],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_logs_json_and_development_text_by_default(production_env):
    assert observability_of(production_env)["log_format"] == "json"
    assert observability_of({"DEBUG": "1"})["log_format"] == "text"
    assert observability_of(production_env | {"LOG_FORMAT": "text"})["log_format"] == "text"


def test_an_unknown_log_format_is_refused(production_env):
    result = run_manage("check", env_overrides=production_env | {"LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text" in result.stderr


def test_without_a_sentry_dsn_the_sdk_is_not_started(production_env):
    assert observability_of(production_env)["sentry_active"] is False


def test_with_a_sentry_dsn_the_sdk_reports_django_errors_without_personal_data(production_env):
    # Nothing is sent at start-up: an unreachable DSN is enough to see the configuration.
    state = observability_of(production_env | {"SENTRY_DSN": "https://key@127.0.0.1:9/1"})
    assert state["sentry_active"] is True
    assert state["send_default_pii"] is False
    assert "django" in state["integrations"]


def test_the_test_run_itself_has_no_sentry():
    import sentry_sdk

    assert not sentry_sdk.get_client().is_active()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_points_site_url_at_the_served_port_unless_set():
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    line = next(line for line in dry_run.splitlines() if "runserver" in line)
    assert 'SITE_URL="${SITE_URL:-http://127.0.0.1:8123}"' in line
    assert line.endswith("runserver 127.0.0.1:8123")
