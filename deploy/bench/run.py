"""`make bench`: how fast the portal's pages are, at two sizes of district, against a floor.

Loopback only and bounded (every load run lasts BENCH_DURATION seconds). For each size:

1. a database: on a throwaway PostgreSQL cluster started here (initdb in a temporary folder,
   a free port, trust on 127.0.0.1 only, as .ci/run does), or, when DATABASE_URL is set, on
   that server (a database per size, named after DATABASE_URL's with the size appended);
   migrated and filled by `manage.py generate_district` (skipped when it already holds that
   district);
2. a Redis on a free port (when redis-server is installed) as the cache, as in production;
3. gunicorn with deploy/gunicorn.conf.py (workers and threads as in production), DEBUG off,
   static files collected, plus BENCH_FLOOR_VIEW: /bench/floor answers a constant through
   every middleware;
4. for an anonymous visitor and for a logged-in employee, every page of PAGES, loaded with
   `wrk` (Debian's; installed when missing and we are root) after a warm-up; the same pages
   are requested once in-process (Django's test client) to count their SQL queries on a cold
   cache, and their HTML size.

It prints a table and writes bench-results.json (a list of records: size, role, page, rps,
p50_ms, p95_ms, floor_ratio, queries, html_bytes).

Environment: BENCH_SIZE (full: 500 and 50,000 services; small: 500 and 5,000, shorter
runs), BENCH_DURATION (seconds per page), BENCH_CONNECTIONS, DATABASE_URL, BENCH_KEEP_DB=1
(keep the throwaway cluster's data folder for the next run; printed).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
WRK_SCRIPT = Path(__file__).with_name("report.lua")

SIZES = {
    # services: (organisations, users)
    "full": [500, 50_000],
    "small": [500, 5_000],
}
PAGES = [
    "home",
    "catalogue",
    "catalogue-filter",
    "catalogue-search",
    "catalogue-page-50",
    "service",
    "partner",
    "sitemap-index",
    "sitemap",
]
ROLES = ["anonymous", "employee"]
ADMIN_RESULTS: list[dict] = []


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def district_size(services: int) -> dict:
    """The shape of the issue's district (2,000 organisations, 200,000 people for 50,000)."""
    return {
        "organizations": max(20, services // 25),
        "services": services,
        "users": services * 4,
    }


# --- PostgreSQL -------------------------------------------------------------------------------


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temporary folder, on a free loopback port (as .ci/run)."""

    def __init__(self, stack: ExitStack):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if not bins:
            if os.getuid() != 0:
                sys.exit("PostgreSQL is missing: apt-get install postgresql, or set DATABASE_URL")
            subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True)
            bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        self.bin = bins[-1]
        self.port = free_port()
        self.data = Path(tempfile.mkdtemp(prefix="distretto-bench-pg-"))
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.data, "postgres", "postgres")
        say(f"PostgreSQL {self.bin.parent.name} in {self.data}, port {self.port}")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB "
            "-c max_connections=100"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-w",
                  "-o", options, "start")  # fmt: skip
        stack.callback(self.stop)

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / program), *args],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        if os.environ.get("BENCH_KEEP_DB") != "1":
            shutil.rmtree(self.data, ignore_errors=True)
        else:
            say(f"kept {self.data}")


def database_url_for(base: str, services: int) -> str:
    parsed = urlparse(base)
    name = f"{parsed.path.lstrip('/') or 'distretto'}_bench_{services}"
    return urlunparse(parsed._replace(path=f"/{name}"))


def create_database(url: str) -> bool:
    """Create the database unless it exists; True when it was created."""
    import psycopg

    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    name = parsed.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as connection:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        exists = connection.execute(query, [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
        return not exists


# --- The app ----------------------------------------------------------------------------------


def app_environment(database_url: str, redis_url: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GUNICORN_", "S3_", "EMAIL_", "SENTRY_"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=database_url,
        DB_CONN_MAX_AGE="60",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        ADMIN_REQUIRE_MFA="0",
        STORAGE_BACKEND="filesystem",
        BENCH_FLOOR_VIEW="1",
        LOG_LEVEL="WARNING",
        TASKS_BACKEND="immediate",
        SITE_URL="http://127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def start_redis(stack: ExitStack) -> str:
    server = shutil.which("redis-server")
    if not server:
        say("redis-server not installed: the database holds the cache")
        return ""
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--daemonize", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    stack.callback(stop_process, process)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    say(f"Redis on port {port}")
    return f"redis://127.0.0.1:{port}/0"


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def run_script(name: str, env: dict):
    """Run one of this folder's in-process scripts against the bench database: its JSON."""
    finished = subprocess.run(
        [PYTHON, str(Path(__file__).with_name(name))],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=True,
    )
    return json.loads(finished.stdout)


def start_gunicorn(env: dict, stack: ExitStack) -> str:
    port = free_port()
    gunicorn_env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
    process = subprocess.Popen(
        # As in production, except that workers are not recycled every 2,000 requests: at
        # hundreds of requests a second that would restart one every few seconds mid-run.
        [
            PYTHON,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--max-requests",
            "0",
            "distretto.wsgi",
        ],  # fmt: skip
        cwd=ROOT,
        env=gunicorn_env,
    )
    stack.callback(stop_process, process)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                if response.status == 200:
                    return base
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start")


# --- Load -------------------------------------------------------------------------------------


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.getuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        return shutil.which("wrk") or sys.exit("wrk could not be installed")
    sys.exit("wrk is missing: apt-get install wrk")


def load(wrk: str, url: str, *, cookie: str, seconds: int, connections: int) -> dict:
    command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(WRK_SCRIPT), url]  # fmt: skip
    env = dict(os.environ, BENCH_COOKIE=cookie)
    output = subprocess.run(command, env=env, check=True, text=True, capture_output=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return json.loads(line[len("BENCH ") :])


# --- One size ---------------------------------------------------------------------------------


def bench_size(services: int, database_url: str, wrk: str, redis_url: str,
               seconds: int, connections: int) -> list[dict]:  # fmt: skip
    env = app_environment(database_url, redis_url)
    created = create_database(database_url)
    manage(env, "migrate", "--noinput", "-v0")
    shape = district_size(services)
    if created or not has_district(env, services):
        say(f"generating {shape}")
        started = time.monotonic()
        manage(env, "generate_district", "--force" if not created else "--seed=1",
               *(f"--{key}={value}" for key, value in shape.items()))  # fmt: skip
        say(f"generated in {time.monotonic() - started:.0f} s")
    targets = run_script("prepare.py", env)
    records = []
    with ExitStack() as stack:
        base = start_gunicorn(env, stack)
        cookies = {"anonymous": "", "employee": f"sessionid={targets['session']}"}
        # Warm-up: workers import everything, caches fill, connections open.
        for role in ROLES:
            for page in PAGES:
                load(wrk, base + targets["pages"][page], cookie=cookies[role], seconds=1,
                     connections=2)  # fmt: skip
        # The floor is measured right before each page (half as long): on a shared machine
        # the load changes from minute to minute, and a ratio to a floor measured minutes
        # earlier would say more about the neighbours than about the page.
        floors = []
        for role in ROLES:
            for page in PAGES:
                floor = load(wrk, f"{base}/bench/floor", cookie="",
                             seconds=max(1, seconds // 2), connections=connections)  # fmt: skip
                floors.append(floor)
                result = load(wrk, base + targets["pages"][page], cookie=cookies[role],
                              seconds=seconds, connections=connections)  # fmt: skip
                measured = targets["measured"][role][page]
                record = {
                    "size": services,
                    "role": role,
                    "page": page,
                    "rps": round(result["rps"], 1),
                    "p50_ms": round(result["p50_ms"], 1),
                    "p95_ms": round(result["p95_ms"], 1),
                    "floor_ratio": round(result["rps"] / floor["rps"], 3) if floor["rps"] else 0,
                    "queries": measured["queries"],
                    "html_bytes": measured["html_bytes"],
                    "floor_rps": round(floor["rps"], 1),
                    "status": measured["status"],
                    "errors": result["errors"],
                }
                records.append(record)
                print(row(record), flush=True)
        rates = sorted(floor["rps"] for floor in floors)
        say(f"{services} services: floor {rates[0]:.0f}–{rates[-1]:.0f} req/s "
            f"(median {rates[len(rates) // 2]:.0f})")  # fmt: skip
    admin = run_script("admin_lists.py", env)
    slow = {name: value for name, value in admin.items() if value["ms"] > 300}
    say(
        f"{services} services: {len(admin)} admin change lists, slowest "
        + ", ".join(
            f"{name.removeprefix('admin:').removesuffix('_changelist')} {value['ms']:.0f} ms"
            for name, value in sorted(admin.items(), key=lambda item: -item[1]["ms"])[:5]
        )
        + (f"; over 300 ms: {len(slow)}" if slow else "; all within 300 ms")
    )
    ADMIN_RESULTS.append({"size": services, "change_lists": admin})
    return records


def has_district(env: dict, services: int) -> bool:
    code = (
        "from services.models import WelfareService as S; "
        f"print(int(S.objects.count() == {services}))"
    )
    return manage(env, "shell", "-c", code, capture=True).strip().endswith("1")


HEADER = (
    f"{'size':>6} {'role':<9} {'page':<18} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
    f"{'floor':>6} {'SQL':>4} {'HTML KB':>8} {'floor r/s':>9}"
)


def row(record: dict) -> str:
    return (
        f"{record['size']:>6} {record['role']:<9} {record['page']:<18} {record['rps']:>7.1f} "
        f"{record['p50_ms']:>7.1f} {record['p95_ms']:>7.1f} {record['floor_ratio'] * 100:>5.1f}% "
        f"{record['queries']:>4} {record['html_bytes'] / 1024:>8.1f} {record['floor_rps']:>9.0f}"
        + (
            ""
            if record.get("status", 200) == 200 and not record.get("errors")
            else f"  !! status {record.get('status')}, {record.get('errors')} errors"
        )  # fmt: skip
    )


def markdown(records: list[dict]) -> str:
    lines = [
        "| size | role | page | req/s | p50 ms | p95 ms | floor | SQL | HTML KB | floor req/s |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in records:
        lines.append(
            f"| {r['size']} | {r['role']} | {r['page']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['floor_ratio'] * 100:.1f} % | {r['queries']} | "
            f"{r['html_bytes'] / 1024:.1f} | {r['floor_rps']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    size = os.environ.get("BENCH_SIZE", "full")
    if size not in SIZES:
        sys.exit(f"BENCH_SIZE must be one of {', '.join(SIZES)}")
    seconds = int(os.environ.get("BENCH_DURATION") or (10 if size == "full" else 3))
    connections = int(os.environ.get("BENCH_CONNECTIONS") or 16)
    wrk = ensure_wrk()
    records: list[dict] = []
    started = time.monotonic()
    with ExitStack() as stack:
        base_url = os.environ.get("DATABASE_URL", "")
        if base_url and not base_url.startswith(("postgres://", "postgresql://")):
            sys.exit("make bench runs on PostgreSQL: DATABASE_URL must be postgresql://")
        postgres = None if base_url else ThrowawayPostgres(stack)
        redis_url = start_redis(stack)
        env = app_environment(base_url or "sqlite:///unused", redis_url)
        say("collecting static files")
        manage(env, "collectstatic", "--noinput", "-v0")
        for services in SIZES[size]:
            url = (
                database_url_for(base_url, services)
                if base_url
                else postgres.url(f"distretto_bench_{services}")
            )
            say(f"{services} services: {url}")
            print(HEADER, flush=True)
            records += bench_size(services, url, wrk, redis_url, seconds, connections)
    output = ROOT / "bench-results.json"
    output.write_text(json.dumps(records, indent=2) + "\n")
    (ROOT / "bench-admin-results.json").write_text(json.dumps(ADMIN_RESULTS, indent=2) + "\n")
    print()
    print(markdown(records))
    print()
    say(f"{len(records)} records in {output.name}, {time.monotonic() - started:.0f} s in all")


if __name__ == "__main__":
    main()
