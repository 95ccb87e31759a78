#!/usr/bin/env bash
# `make stack-stop`: stops what `make stack` started, by the pid files in .stack/run/.
# Keeps the data (database, secret key, certificate): `make stack` starts it again as it was.
# `rm -rf .stack` afterwards forgets everything.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=deploy/stack/common.sh
source deploy/stack/common.sh

# stop NAME: TERM the process (and its process group, which setsid gave it), wait, KILL.
stop() {
  local name=$1 pidfile=$STACK/run/$1.pid pid
  [ -s "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
      say "$name killed (pid $pid)"
    else
      say "$name stopped (pid $pid)"
    fi
  fi
  rm -f "$pidfile"
}

# Front to back: nothing new comes in while the rest stops.
if is_running nginx; then
  pid=$(cat "$STACK/run/nginx.pid")
  kill -QUIT "$pid"  # graceful: requests in flight are finished
  for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && kill -TERM "$pid"
  say "nginx stopped (pid $pid)"
fi
rm -f "$STACK/run/nginx.pid"
for name in periodic worker; do stop "$name"; done
for pidfile in "$STACK"/run/web-*.pid; do
  [ -e "$pidfile" ] && stop "$(basename "$pidfile" .pid)"
done
for name in smtp s3 redis; do stop "$name"; done
# moto keeps its buckets in memory: the next `make stack` loads the demo afresh.
rm -f "$STACK/run/demo-loaded"
if [ -s "$STACK/run/postgres.pid" ]; then
  PGDATA=$(readlink -f "$STACK/data/postgres")
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1
  else
    "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1
  fi
  say "postgres stopped"
  rm -f "$STACK/run/postgres.pid"
fi
exit 0
