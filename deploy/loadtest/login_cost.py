"""Do logins starve page requests?  `make login-cost` (or `python deploy/loadtest/login_cost.py`).

A login hashes the password with Django's default PBKDF2 (about a quarter of a second of
CPU on this kind of machine, more when it is busy). This script measures, on loopback, what
that does to everybody else's pages with two app-server configurations of the same size:

- ``sync``: gunicorn sync workers (one request at a time per process), 2 processes;
- ``gthread``: deploy/gunicorn.conf.py as in production (threads), 2 processes x 4 threads.

For each it starts gunicorn on the project's database (``DATABASE_URL``, SQLite otherwise,
migrated and given the demo district), measures a page (the home page, a real page with
queries and templates) alone, then again while ``--logins`` clients log in one after the
other as fast as they can, and prints one table. Password hashing stays at Django's
defaults; only allauth's login rate limit is lifted (loadtest_settings.py), otherwise the
clients would measure the 429 page.

Nothing here runs in the test suite: it is a measurement, printed, not asserted.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
DEMO_LOGIN = "referente@fbk.eu"
DEMO_PASSWORD = "Distretto2026!"


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Client:
    """One browser: its own connection and cookies."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        headers["Host"] = "127.0.0.1"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def log_in(self, email: str, password: str) -> bool:
        self.cookies.clear()
        status, page = self.request("GET", "/account/login/")
        match = CSRF_INPUT.search(page)
        if status != 200 or not match:
            return False
        form = urllib.parse.urlencode(
            {"login": email, "password": password, "csrfmiddlewaretoken": match.group(1)}
        ).encode()
        status, _ = self.request(
            "POST",
            "/account/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/account/login/",
            },
        )
        return status == 302


def probe(port: int, path: str, seconds: float, stop: threading.Event | None = None):
    """Request ``path`` one after the other for ``seconds``; the latencies in ms."""
    client = Client(port)
    latencies, errors = [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (stop and stop.is_set()):
        started = time.monotonic()
        try:
            status, _ = client.request("GET", path)
        except (http.client.HTTPException, OSError):
            status = 0
        if status != 200:
            errors += 1
        latencies.append((time.monotonic() - started) * 1000)
        time.sleep(0.05)
    return latencies, errors


def login_loop(port: int, stop: threading.Event, results: list):
    client = Client(port)
    while not stop.is_set():
        started = time.monotonic()
        try:
            ok = client.log_in(DEMO_LOGIN, DEMO_PASSWORD)
        except (http.client.HTTPException, OSError):
            ok = False
        results.append((ok, (time.monotonic() - started) * 1000))


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz in time")


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": env.get("SECRET_KEY", "login-cost-measurement-" + "x" * 40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "http://127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DJANGO_SETTINGS_MODULE": "loadtest_settings",
            "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(ROOT)]),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def run_mode(mode: str, port: int, args) -> dict:
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
    ]
    if mode == "sync":
        command += ["--worker-class", "sync", "--threads", "1"]
    else:
        command += ["--worker-class", "gthread", "--threads", "4"]
    command.append("distretto.wsgi")
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        wait_until_up(port, process)
        probe(port, args.page, 2)  # warm up: templates, connections
        alone, alone_errors = probe(port, args.page, args.seconds)
        stop = threading.Event()
        logins: list = []
        clients = [
            threading.Thread(target=login_loop, args=(port, stop, logins), daemon=True)
            for _ in range(args.logins)
        ]
        for client in clients:
            client.start()
        time.sleep(1)
        started = time.monotonic()
        busy, busy_errors = probe(port, args.page, args.seconds)
        elapsed = time.monotonic() - started
        stop.set()
        for client in clients:
            client.join(timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    login_times = [ms for ok, ms in logins if ok]
    return {
        "mode": mode,
        "page_alone_p50": statistics.median(alone),
        "page_alone_p95": percentile(alone, 0.95),
        "page_busy_p50": statistics.median(busy) if busy else float("nan"),
        "page_busy_p95": percentile(busy, 0.95),
        "page_busy_max": max(busy) if busy else float("nan"),
        "page_errors": alone_errors + busy_errors,
        "logins_per_s": len(login_times) / elapsed if elapsed else 0.0,
        "login_p50": statistics.median(login_times) if login_times else float("nan"),
        "login_failures": sum(1 for ok, _ in logins if not ok),
    }


def prepare() -> None:
    env = environment()
    for step in (
        ["migrate", "--noinput"],
        ["load_demo", "--force"],
        ["collectstatic", "--noinput"],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *step], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18700)
    parser.add_argument("--logins", type=int, default=4, help="clients logging in at once")
    parser.add_argument("--seconds", type=float, default=15, help="per measurement")
    parser.add_argument("--page", default="/", help="the page measured meanwhile")
    parser.add_argument("--skip-prepare", action="store_true")
    args = parser.parse_args()
    if shutil.which("gunicorn") is None and not (Path(PYTHON).parent / "gunicorn").exists():
        raise SystemExit("gunicorn is missing: make install")
    if not args.skip_prepare:
        prepare()
    rows = [run_mode(mode, args.port, args) for mode in ("sync", "gthread")]
    print(
        f"\nPage {args.page} measured alone and while {args.logins} clients log in "
        f"(2 processes each; database: {os.environ.get('DATABASE_URL', 'SQLite')[:40]})\n"
    )
    header = (
        "| workers | page p50 alone | page p95 alone | page p50 during logins "
        "| page p95 during logins | page max | logins/s | login p50 | failures |"
    )
    print(header)
    print("|---" * 9 + "|")
    for row in rows:
        print(
            f"| {row['mode']} | {row['page_alone_p50']:.0f} ms | {row['page_alone_p95']:.0f} ms "
            f"| {row['page_busy_p50']:.0f} ms | {row['page_busy_p95']:.0f} ms "
            f"| {row['page_busy_max']:.0f} ms | {row['logins_per_s']:.1f} "
            f"| {row['login_p50']:.0f} ms | {row['login_failures'] + row['page_errors']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
