#!/usr/bin/env bash
# The stack's smoke test (CI step "stack smoke test", `make stack-smoke`): start the stack,
# send a few requests through nginx over https (deploy/stack/smoke.py), stop the stack.
# Exits non-zero when a check fails; parts not in this checkout yet are skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=deploy/stack/common.sh
source deploy/stack/common.sh

trap 'bash deploy/stack/down.sh' EXIT
bash deploy/stack/up.sh
(set -a; source "$STACK/stack.env"; set +a; export SITE_URL STACK_DIR="$STACK"
 exec "$PY" deploy/stack/smoke.py)
