# Shared by deploy/stack/up.sh, down.sh and smoke.sh (sourced from the repository root).
STACK=${STACK_DIR:-$ROOT/.stack}
PY=$ROOT/.venv/bin/python
HTTPS_PORT=${STACK_HTTPS_PORT:-18443}
HTTP_PORT=${STACK_HTTP_PORT:-18480}
APP_PORTS=${STACK_APP_PORTS:-18401 18402}
PG_PORT=${STACK_PG_PORT:-18432}
REDIS_PORT=${STACK_REDIS_PORT:-18479}
S3_PORT=${STACK_S3_PORT:-18490}
SMTP_PORT=${STACK_SMTP_PORT:-18425}
SITE_URL=https://127.0.0.1:$HTTPS_PORT
STACK_STORAGE=${STACK_STORAGE:-s3}

say() { printf '[stack] %s\n' "$*"; }

# alive PID: the process exists and is not a zombie waiting to be reaped.
alive() {
  kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]
}

# is_running NAME: the process in .stack/run/NAME.pid is alive.
is_running() {
  local pidfile=$STACK/run/$1.pid pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && alive "$pid"
}
