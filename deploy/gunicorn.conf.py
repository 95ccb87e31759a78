"""gunicorn settings for the Distretto portal: `gunicorn -c deploy/gunicorn.conf.py distretto.wsgi`.

Everything a machine may need to change comes from the environment (defaults in brackets):
GUNICORN_BIND [127.0.0.1:8000], GUNICORN_WORKERS [2 per core, at most 8],
GUNICORN_THREADS [4], GUNICORN_TIMEOUT [30], GUNICORN_GRACEFUL_TIMEOUT [30].
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Threaded workers, not sync ones. A login hashes a password with Django's default PBKDF2:
# a good fraction of a second of CPU each, seconds when the machine is busy. A sync worker is
# stuck for all that time, so two or three logins at once leave no worker for anybody's
# page. With gthread each process serves `threads` requests at once: PBKDF2 runs inside
# OpenSSL with the GIL released, and page requests (mostly waiting on PostgreSQL and Redis)
# keep moving while a thread hashes. Processes give the CPU parallelism: two per core.
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count(), 8))
threads = _int("GUNICORN_THREADS", 4)

# A request running longer than this is killed with its worker (nginx gives up at 60 s).
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM / restart: stop accepting, let requests in flight finish for this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# nginx keeps connections to the upstream open (keepalive in the site's upstream block).
keepalive = 5
# Recycle workers now and then so that a slow leak never grows; jitter avoids all at once.
max_requests = 2000
max_requests_jitter = 200

# Logs go to stdout/stderr: journald (systemd) or the stack's log files keep them. The
# access log is the app's own request log (JSON) where present; gunicorn's stays off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind nginx on the same machine: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "distretto")
# gunicorn 27's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl):
# two app servers on one machine would take it from each other. Off unless given a path.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
