"""The stack as the drill sees it: where it lives, how to start and stop its processes, and
the four faults (deploy/drill/drill.py injects them in turn while the load runs)."""

import contextlib
import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STACK = Path(os.environ.get("STACK_DIR", ROOT / ".stack"))
HTTPS_PORT = int(os.environ.get("STACK_HTTPS_PORT", "18443"))
APP_PORTS = os.environ.get("STACK_APP_PORTS", "18401 18402").split()
PG_PORT = os.environ.get("STACK_PG_PORT", "18432")
REDIS_PORT = os.environ.get("STACK_REDIS_PORT", "18479")
SITE = f"https://127.0.0.1:{HTTPS_PORT}"
PY = str(ROOT / ".venv/bin/python")

TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE


def stack_env() -> dict:
    env = dict(os.environ)
    for line in (STACK / "stack.env").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            env[name] = value.strip("'")
    return env


def pid_of(name: str) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        pid = int((STACK / "run" / f"{name}.pid").read_text())
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        return pid if state != "Z" else None
    return None


def kill9(name: str) -> int | None:
    """kill -9 the process group `make stack` gave NAME (setsid); its pid."""
    pid = pid_of(name)
    if pid is None:
        return None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    for _ in range(50):
        if pid_of(name) is None:
            break
        time.sleep(0.1)
    return pid


def start(name: str, command: list[str]) -> int:
    """Start NAME as deploy/stack/up.sh does: own session, log appended, pid file."""
    log = open(STACK / "log" / f"{name}.log", "ab")  # noqa: SIM115 (handed to the child)
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=stack_env(),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    (STACK / "run" / f"{name}.pid").write_text(f"{process.pid}\n")
    return process.pid


def wait_port(port: int, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return True
        time.sleep(0.2)
    return False


def pg(*args: str) -> subprocess.CompletedProcess:
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)[-1]
    pgdata = str((STACK / "data" / "postgres").resolve())
    command = [str(pgbin / "pg_ctl"), "-D", pgdata, *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def psql(sql: str) -> str:
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)[-1]
    result = subprocess.run(
        [str(pgbin / "psql"), "-h", "127.0.0.1", "-p", PG_PORT, "-U", "postgres", "-tAc", sql,
         "distretto"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    return result.stdout.strip()


# --- the faults ----------------------------------------------------------------------------


def fault_app_server() -> str:
    port = APP_PORTS[0]
    name = f"web-{port}"
    pid = kill9(name)
    time.sleep(5)  # nginx sends everything to the other app server meanwhile
    start(
        name,
        [str(ROOT / ".venv/bin/gunicorn"), "--config", "deploy/gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--name", f"distretto-stack-{port}", "distretto.wsgi"],
    )  # fmt: skip
    restarted = time.monotonic()
    up = wait_port(int(port))
    return f"app server {port} (pid {pid}) killed, restarted after 5 s" + (
        f", answering {time.monotonic() - restarted:.1f} s later" if up else ", NOT BACK"
    )


def fault_postgres() -> str:
    stopped = pg("-m", "fast", "-w", "stop")
    time.sleep(5)
    options = f"-p {PG_PORT} -k '' -c listen_addresses=127.0.0.1 -c fsync=off"
    pgdata = (STACK / "data" / "postgres").resolve()
    started = pg("-l", str(pgdata / "server.log"), "-w", "-o", options, "start")
    with contextlib.suppress(OSError):
        (STACK / "run" / "postgres.pid").write_text(
            (pgdata / "postmaster.pid").read_text().splitlines()[0] + "\n"
        )
    return "PostgreSQL fast shutdown, down 5 s, started" + (
        ""
        if stopped.returncode == 0 and started.returncode == 0
        else f" (pg_ctl: {stopped.stderr.strip()} {started.stderr.strip()})"
    )


def fault_redis() -> str:
    pid = pid_of("redis")
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
        for _ in range(50):
            if pid_of("redis") is None:
                break
            time.sleep(0.1)
    time.sleep(20)
    redis = subprocess.run(["which", "redis-server"], capture_output=True, text=True).stdout
    start(
        "redis",
        [redis.strip(), "--port", REDIS_PORT, "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(STACK / "data" / "redis"), "--daemonize", "no"],
    )  # fmt: skip
    up = wait_port(int(REDIS_PORT))
    return "Redis stopped 20 s, started" + ("" if up else ", NOT BACK")


def fault_worker() -> str:
    # Wait (a little) for mail waiting in the outbox, so that the kill meets queued mail.
    waiting = "0"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        waiting = psql(
            "SELECT count(*) FROM background_outgoingmail WHERE status IN ('queued', 'sending')"
        )
        if waiting not in ("", "0"):
            break
        time.sleep(0.1)
    pid = kill9("worker")
    time.sleep(10)  # the load queues more mail meanwhile
    queued = psql(
        "SELECT count(*) FROM background_outgoingmail WHERE status IN ('queued', 'sending')"
    )
    start("worker", [PY, "manage.py", "db_worker"])
    return (
        f"worker (pid {pid}) killed with {waiting or '?'} mail waiting, {queued} after "
        "10 s; restarted"
    )


FAULTS = [
    ("1 app server kill -9", fault_app_server),
    ("2 PostgreSQL restart", fault_postgres),
    ("3 Redis away 20 s", fault_redis),
    ("4 worker kill -9", fault_worker),
]


# --- the run ----------------------------------------------------------------------------------


def healthy() -> bool:
    try:
        with urllib.request.urlopen(SITE + "/healthz", context=TLS, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def ensure_stack() -> None:
    names = ["redis", "s3", "smtp", "worker", *(f"web-{port}" for port in APP_PORTS)]
    if healthy() and all(pid_of(name) for name in names):
        print("drill: the stack is running", flush=True)
        return
    print("drill: starting the stack (deploy/stack/up.sh)", flush=True)
    result = subprocess.run(["bash", str(ROOT / "deploy/stack/up.sh")], cwd=ROOT)
    if result.returncode != 0 or not healthy():
        raise SystemExit("drill: the stack did not come up")
