#!/usr/bin/env bash
# `make stack`: the production stack on this one machine, on loopback.
#
# PostgreSQL (own cluster), Redis, an S3-compatible server (moto), an SMTP sink, TWO gunicorn
# app servers, the task worker (and the periodic jobs), nginx with TLS in front. Everything
# it creates lives in .stack/ (ignored by git): pid files, logs, data, certificate, rendered
# configuration. Running it again starts nothing twice; `make stack-stop` stops it.
# Installs what is missing (Debian packages as root, PyPI packages into .venv).
#
# Ports (all on 127.0.0.1) can be moved with STACK_HTTPS_PORT, STACK_HTTP_PORT,
# STACK_APP_PORTS ("18401 18402"), STACK_PG_PORT, STACK_REDIS_PORT, STACK_S3_PORT,
# STACK_SMTP_PORT. STACK_STORAGE=filesystem (after `make stack-stop`) keeps uploads in
# .stack/media and .stack/private instead of the S3-compatible server.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=deploy/stack/common.sh
source deploy/stack/common.sh

started=$(date +%s)
mkdir -p "$STACK"/{run,log,data,nginx/snippets,nginx/tmp,mail/tmp,mail/new,mail/cur,media,private}

# --- Debian packages ------------------------------------------------------------------
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)
brotli_packages=(libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static)
if [ ! -e /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ]; then
  missing+=("${brotli_packages[@]}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    say "missing Debian packages: ${missing[*]} (run as root, or apt-get install them)"
    exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Brotli is optional: without its modules nginx compresses with gzip only.
  essential=()
  for package in "${missing[@]}"; do
    case " ${brotli_packages[*]} " in *" $package "*) ;; *) essential+=("$package") ;; esac
  done
  if [ ${#essential[@]} -gt 0 ]; then
    # Debian starts the services it installs; the stack runs its own copies, so ask it not to.
    policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      policy=/usr/sbin/policy-rc.d
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
    fi
    apt-get install -y -qq "${essential[@]}" >/dev/null
    [ -n "$policy" ] && rm -f "$policy"
  fi
  apt-get install -y -qq "${brotli_packages[@]}" >/dev/null 2>&1 ||
    say "Brotli modules for nginx not available: gzip only"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

# --- PyPI packages ----------------------------------------------------------------------
# The project's own packages: `make install` does nothing when .venv is up to date with
# pyproject.toml. STACK_SKIP_INSTALL=1 leaves a .venv shared with other checkouts alone.
if [ "${STACK_SKIP_INSTALL:-0}" != 1 ]; then
  make --no-print-directory install
elif ! "$PY" -c 'import django, gunicorn, redis, aiosmtpd, psycopg' >/dev/null 2>&1; then
  say "STACK_SKIP_INSTALL=1 but .venv lacks the project's packages: run make install"
  exit 1
fi
# The S3-compatible server, when the project's extras do not bring it yet.
if ! "$PY" -c 'import moto.server, boto3' >/dev/null 2>&1; then
  say "installing moto[server] and boto3 into .venv"
  "$PY" -m pip install --quiet 'moto[server]>=5.2,<6' 'boto3>=1.40,<2'
fi

# --- secrets and certificate, made once -------------------------------------------------
if [ ! -s "$STACK/secret_key" ]; then
  "$PY" -c 'import secrets; print(secrets.token_urlsafe(64))' >"$STACK/secret_key"
  chmod 600 "$STACK/secret_key"
fi
if [ ! -s "$STACK/tls/cert.pem" ]; then
  mkdir -p "$STACK/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 90 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$STACK/tls/key.pem" -out "$STACK/tls/cert.pem" >/dev/null 2>&1
  chmod 600 "$STACK/tls/key.pem"
fi

# --- the environment of the app servers, worker and commands ---------------------------
write_env() {
  cat >"$STACK/stack.env" <<EOF
# Written by deploy/stack/up.sh: the environment of the stack's app servers and worker.
DEBUG=0
SECRET_KEY=$(cat "$STACK/secret_key")
ALLOWED_HOSTS=127.0.0.1,localhost
CSRF_TRUSTED_ORIGINS=$SITE_URL
SITE_URL=$SITE_URL
DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/distretto
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
STORAGE_BACKEND=$STACK_STORAGE
PRIVATE_FILES_X_ACCEL=$([ "$STACK_STORAGE" = filesystem ] && echo 1 || echo 0)
S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
S3_REGION=us-east-1
S3_ACCESS_KEY_ID=stack
S3_SECRET_ACCESS_KEY=stack-secret
S3_PUBLIC_BUCKET=distretto-public
S3_PRIVATE_BUCKET=distretto-private
# With STACK_STORAGE=filesystem: uploads here, private ones handed out by nginx
# (X-Accel-Redirect to /_private/) after the app checked access.
MEDIA_ROOT=$STACK/media
PRIVATE_MEDIA_ROOT=$STACK/private
TASKS_BACKEND=database
BEHIND_TLS_PROXY=1
TRUSTED_PROXY_COUNT=1
# The demo's coordinator walks into /admin/ without enrolling a second factor first.
# Production keeps the default (on).
ADMIN_REQUIRE_MFA=0
# Mail goes to the stack's SMTP sink: one file per message in $STACK/mail/new/.
EMAIL_HOST=127.0.0.1
EMAIL_PORT=$SMTP_PORT
EMAIL_USE_TLS=0
DEFAULT_FROM_EMAIL='Distretto Family Audit <noreply@localhost>'
GUNICORN_WORKERS=2
GUNICORN_THREADS=4
LOG_LEVEL=INFO
EOF
  chmod 600 "$STACK/stack.env"
}
write_env

# Runs a command in the stack's environment.
in_env() { (set -a; source "$STACK/stack.env"; set +a; exec "$@"); }

# start NAME COMMAND...: in the background with a pid file, unless already running.
start() {
  local name=$1; shift
  if is_running "$name"; then
    say "$name already running (pid $(cat "$STACK/run/$name.pid"))"
    return
  fi
  (set -a; source "$STACK/stack.env"; set +a
   exec setsid "$@" >>"$STACK/log/$name.log" 2>&1 </dev/null) &
  echo $! >"$STACK/run/$name.pid"
  say "$name started (pid $!, log .stack/log/$name.log)"
}

wait_port() {
  local name=$1 port=$2
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    if [ -f "$STACK/run/$name.pid" ] && ! is_running "$name"; then break; fi
    sleep 0.2
  done
  say "$name did not come up on port $port: see .stack/log/$name.log"
  tail -n 20 "$STACK/log/$name.log" >&2 || true
  exit 1
}

# --- PostgreSQL -------------------------------------------------------------------------
PGDATA=$STACK/data/postgres
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$STACK/data"; then
  # The repository is in a folder the postgres user cannot enter (e.g. under /root):
  # keep the cluster outside it, linked from .stack/.
  outside=/var/tmp/distretto-stack-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)
  mkdir -p "$outside"
  [ -L "$PGDATA" ] || { rm -rf "$PGDATA"; ln -s "$outside" "$PGDATA"; }
  say "PostgreSQL data in $outside (the postgres user cannot enter $STACK)"
fi
# Through the link, if there is one: the postgres user must not have to pass through .stack.
[ -L "$PGDATA" ] && PGDATA=$(readlink -f "$PGDATA")
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
  as_postgres "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  say "postgres already running"
else
  # Unix sockets off (-k ''): loopback TCP only, trust authentication.
  as_postgres "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
    -o "-p $PG_PORT -k '' -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  say "postgres started on 127.0.0.1:$PG_PORT"
fi
# The postmaster's pid, for `make stack-stop`.
head -1 "$PGDATA/postmaster.pid" >"$STACK/run/postgres.pid"
if ! "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'distretto'" | grep -q 1; then
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres distretto
fi

# --- Redis, the S3-compatible server, the SMTP sink ------------------------------------
mkdir -p "$STACK/data/redis"
start redis "$(command -v redis-server)" --port "$REDIS_PORT" --bind 127.0.0.1 \
  --save '' --appendonly no --dir "$STACK/data/redis" --daemonize no
wait_port redis "$REDIS_PORT"

start s3 "$ROOT/.venv/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT"
wait_port s3 "$S3_PORT"
in_env "$PY" - <<'EOF'
import os

import boto3

s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["S3_ENDPOINT_URL"],
    region_name=os.environ["S3_REGION"],
    aws_access_key_id=os.environ["S3_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"],
)
existing = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
for name in (os.environ["S3_PUBLIC_BUCKET"], os.environ["S3_PRIVATE_BUCKET"]):
    if name not in existing:
        s3.create_bucket(Bucket=name)
EOF

# aiosmtpd's Mailbox handler: every message a file in .stack/mail/new/ (a Maildir).
start smtp env PYTHONUNBUFFERED=1 "$PY" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" \
  -c aiosmtpd.handlers.Mailbox "$STACK/mail"
wait_port smtp "$SMTP_PORT"

# --- the application: schema, demo, static files ---------------------------------------
if ! "$PY" -c 'import storages' >/dev/null 2>&1; then
  say "django-storages is not installed: STORAGE_BACKEND=s3 has no effect yet, uploads go to .stack/media"
fi
say "migrate, load the demo, collect static files"
in_env "$PY" manage.py migrate --noinput >"$STACK/log/migrate.log" 2>&1 ||
  { tail -n 30 "$STACK/log/migrate.log" >&2; exit 1; }
if [ ! -f "$STACK/run/demo-loaded" ]; then
  in_env "$PY" manage.py load_demo --force >"$STACK/log/load_demo.log" 2>&1 ||
    { tail -n 30 "$STACK/log/load_demo.log" >&2; exit 1; }
  touch "$STACK/run/demo-loaded"
fi
in_env "$PY" manage.py collectstatic --noinput >"$STACK/log/collectstatic.log" 2>&1 ||
  { tail -n 30 "$STACK/log/collectstatic.log" >&2; exit 1; }
# The 503 page nginx sends when no app server answers.
in_env "$PY" manage.py render_error_pages >>"$STACK/log/collectstatic.log" 2>&1 ||
  { tail -n 30 "$STACK/log/collectstatic.log" >&2; exit 1; }

# --- two app servers, the worker, the periodic jobs ------------------------------------
for port in $APP_PORTS; do
  start "web-$port" "$ROOT/.venv/bin/gunicorn" --config deploy/gunicorn.conf.py \
    --bind "127.0.0.1:$port" --name "distretto-stack-$port" distretto.wsgi
done
for port in $APP_PORTS; do wait_port "web-$port" "$port"; done

# A command exists once its app is installed and in INSTALLED_APPS (other branches add them).
has_command() { in_env "$PY" manage.py help "$1" >/dev/null 2>&1; }
if has_command db_worker; then
  start worker "$PY" manage.py db_worker
else
  say "no db_worker command (django-tasks-db not installed or not configured): no task worker, mail leaves inside the request"
fi
if has_command run_periodic_jobs; then
  # What the systemd timer does in production, every STACK_PERIODIC_SECONDS here.
  start periodic bash -c "while true; do '$PY' manage.py run_periodic_jobs; sleep ${STACK_PERIODIC_SECONDS:-300}; done"
else
  say "no run_periodic_jobs command yet: periodic jobs skipped"
fi

# --- nginx ------------------------------------------------------------------------------
app_servers=""
for port in $APP_PORTS; do app_servers+="server 127.0.0.1:$port max_fails=0; "; done
sed -e "s|@SERVER_NAME@|127.0.0.1 localhost|g" \
  -e "s|@HTTPS_PORT@|$HTTPS_PORT|g" -e "s|@HTTP_PORT@|$HTTP_PORT|g" \
  -e "s|@TLS_CERTIFICATE@|$STACK/tls/cert.pem|g" \
  -e "s|@TLS_CERTIFICATE_KEY@|$STACK/tls/key.pem|g" \
  -e "s|@APP_SERVERS@|$app_servers|g" \
  -e "s|@STATIC_ROOT@|$ROOT/staticfiles|g" \
  -e "s|@MEDIA_ROOT@|$STACK/media|g" \
  -e "s|@PRIVATE_MEDIA_ROOT@|$STACK/private|g" \
  -e "s|@SNIPPETS@|$STACK/nginx/snippets|g" \
  -e "s|@LOG_DIR@|$STACK/log|g" \
  deploy/nginx/distretto.conf >"$STACK/nginx/distretto.conf"
# IPv6 loopback may be missing on a container: listen on IPv4 only here.
sed -i -e '/listen \[::\]/d' -e "s|listen $HTTPS_PORT ssl|listen 127.0.0.1:$HTTPS_PORT ssl|" \
  -e "s|listen $HTTP_PORT;|listen 127.0.0.1:$HTTP_PORT;|" "$STACK/nginx/distretto.conf"
cp deploy/nginx/distretto-proxy.conf "$STACK/nginx/snippets/"
load_modules=""
rm -f "$STACK/nginx/snippets/distretto-brotli.conf"
if [ -e /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ] &&
  [ -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ]; then
  load_modules="load_module /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so;
load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;"
  cp deploy/nginx/distretto-brotli.conf "$STACK/nginx/snippets/"
fi
# As root, nginx's workers run as root too: this loopback stack reads files under the
# repository, wherever it is. Production runs them as www-data (Debian's nginx.conf).
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
cat >"$STACK/nginx/nginx.conf" <<EOF
# Written by deploy/stack/up.sh.
$load_modules
$user_line
worker_processes 1;
pid $STACK/run/nginx.pid;
error_log $STACK/log/nginx-error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path $STACK/nginx/tmp/body;
    proxy_temp_path $STACK/nginx/tmp/proxy;
    fastcgi_temp_path $STACK/nginx/tmp/fastcgi;
    uwsgi_temp_path $STACK/nginx/tmp/uwsgi;
    scgi_temp_path $STACK/nginx/tmp/scgi;
    include $STACK/nginx/distretto.conf;
}
EOF
"$NGINX" -t -q -p "$STACK/nginx" -c "$STACK/nginx/nginx.conf" 2>>"$STACK/log/nginx-error.log" ||
  { tail -n 20 "$STACK/log/nginx-error.log" >&2; exit 1; }
if is_running nginx; then
  "$NGINX" -p "$STACK/nginx" -c "$STACK/nginx/nginx.conf" -s reload
  say "nginx already running: configuration reloaded"
else
  "$NGINX" -p "$STACK/nginx" -c "$STACK/nginx/nginx.conf"
  say "nginx started"
fi

for _ in $(seq 1 100); do
  if curl -ksf -o /dev/null "$SITE_URL/healthz"; then break; fi
  sleep 0.2
done
curl -ksf -o /dev/null "$SITE_URL/healthz" ||
  { say "the portal does not answer on $SITE_URL/healthz: see .stack/log/"; exit 1; }

cat <<EOF

The stack is up in $(( $(date +%s) - started )) s:

    $SITE_URL

(self-signed certificate: your browser will ask you to accept it; curl -k)
Demo logins: see README ("Demo logins"), password Distretto2026!. Mail sent by the portal:
one file per message in .stack/mail/new/. Logs: .stack/log/. Stop: make stack-stop.
EOF
