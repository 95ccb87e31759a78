"""Production settings: refuse to start half-configured, and pass Django's deploy checks."""

import os
import secrets
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
