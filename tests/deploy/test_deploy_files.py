"""The production pieces in deploy/ agree with the app's settings."""

import re
import runpy
from pathlib import Path

from django.conf import settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def nginx_site() -> str:
    return (DEPLOY / "nginx" / "distretto.conf").read_text()


def megabytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def test_nginx_accepts_the_largest_upload_the_app_accepts_and_little_more():
    limit = megabytes(re.search(r"client_max_body_size (\S+);", nginx_site()).group(1))
    largest_form = settings.MAX_DOCUMENT_UPLOAD_BYTES + settings.MAX_IMAGE_UPLOAD_BYTES
    assert limit >= largest_form
    assert limit >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    # Much more would let nginx buffer bodies the app refuses anyway.
    assert limit <= largest_form + 4 * 1024 * 1024


def test_private_files_are_only_reachable_through_the_app():
    site = nginx_site()
    private = re.search(r"location /_private/ \{(.*?)\}", site, re.DOTALL).group(1)
    assert "internal;" in private
    assert "alias @PRIVATE_MEDIA_ROOT@/;" in private


def test_nginx_retries_only_idempotent_requests_on_another_app_server():
    proxy = (DEPLOY / "nginx" / "distretto-proxy.conf").read_text()
    retry = re.search(r"^proxy_next_upstream (.*);$", proxy, re.MULTILINE).group(1).split()
    assert retry == ["error", "timeout", "http_502", "http_503"]
    assert "non_idempotent" not in proxy.replace("`non_idempotent`", "")
    assert "proxy_set_header X-Request-ID $distretto_request_id;" in proxy


def test_every_placeholder_of_the_site_is_rendered_by_make_stack():
    placeholders = set(re.findall(r"@[A-Z_]+@", nginx_site()))
    up = (DEPLOY / "stack" / "up.sh").read_text()
    assert placeholders
    assert {name for name in placeholders if f"s|{name}|" not in up} == set()


def test_gunicorn_uses_threaded_workers_so_logins_do_not_block_pages(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9999")
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread"
    assert config["threads"] > 1
    assert config["bind"] == ["127.0.0.1:9999"]
    assert config["graceful_timeout"] >= 10
    assert config["control_socket_disable"] is True


def test_the_stack_scripts_are_valid_bash():
    import subprocess

    for script in sorted((DEPLOY / "stack").glob("*.sh")):
        result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, f"{script.name}: {result.stderr}"


def test_when_no_app_server_answers_nginx_sends_the_portals_503_with_retry_after():
    """A POST whose app server died under it got nginx's bare 502 (found by `make drill`)."""
    from common.availability import RETRY_AFTER_SECONDS
    from distretto.management.commands.render_error_pages import UNAVAILABLE_PAGE

    site = nginx_site()
    assert re.search(r"^\s*error_page 502 504 =503 /_unavailable\.html;$", site, re.MULTILINE)
    page = re.search(r"location = /_unavailable\.html \{(.*?)\}", site, re.DOTALL).group(1)
    assert "internal;" in page
    assert f"alias @STATIC_ROOT@/{UNAVAILABLE_PAGE.as_posix()};" in page
    assert f"add_header Retry-After {RETRY_AFTER_SECONDS} always;" in page
    # make stack renders the page after collecting the static files.
    up = (DEPLOY / "stack" / "up.sh").read_text()
    assert up.index("manage.py render_error_pages") > up.index("manage.py collectstatic")


def environment_variables_read_by(path: Path) -> set[str]:
    source = path.read_text()
    pattern = r'(?:env(?:bool|int|list)?|environ\.get|environ\[|_int)\(?\s*"([A-Z][A-Z0-9_]+)"'
    return set(re.findall(pattern, source))


def test_the_readme_documents_every_setting_read_from_the_environment():
    readme = (DEPLOY.parent / "README.md").read_text()
    read = environment_variables_read_by(DEPLOY.parent / "distretto" / "settings.py")
    read |= environment_variables_read_by(DEPLOY / "gunicorn.conf.py")
    assert {"SECURE_HSTS_PRELOAD", "DB_CONN_MAX_AGE", "SERVER_EMAIL", "GUNICORN_BIND"} <= read
    assert {name for name in read if f"`{name}`" not in readme} == set()
    assert "`make run PORT=" in readme
    assert "/healthz" in readme


def unit_setting(path: Path, key: str) -> str:
    return re.search(rf"^{key}=(.*)$", path.read_text(), re.MULTILINE).group(1)


def test_the_daily_backup_unit_runs_a_backup_command_that_exists():
    from distretto.management.commands.backup import Command

    service = DEPLOY / "systemd" / "distretto-backup.service"
    command = unit_setting(service, "ExecStart").split()
    assert command[:3] == ["/srv/distretto/.venv/bin/python", "manage.py", "backup"]
    options = Command().create_parser("manage.py", "backup").parse_args(command[3:])
    assert options.into == "/var/backups/distretto"
    assert options.keep_daily >= 7 and options.keep_weekly >= 4
    assert options.into in unit_setting(service, "ReadWritePaths").split()
    assert unit_setting(service, "UMask") == "0077"  # the backups hold personal data


def test_the_backup_timer_runs_daily_and_catches_up_after_downtime():
    timer = DEPLOY / "systemd" / "distretto-backup.timer"
    assert unit_setting(timer, "OnCalendar").startswith("*-*-* ")
    assert unit_setting(timer, "Persistent") == "true"
    assert unit_setting(timer, "Unit") == "distretto-backup.service"
