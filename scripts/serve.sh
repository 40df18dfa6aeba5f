#!/usr/bin/env bash
# Serve a built hub: the GraphQL API (GraphiQL in development) and the Dagster UI, with a
# fresh demo key. Runs in the foreground; Ctrl-C (or SIGTERM) stops both servers.
#
#   scripts/serve.sh                      # the data in var/ (HUB_DATA_DIR to change it)
#   API_PORT=8000 DAGSTER_PORT=3000 SUPERSET_PORT=8088 scripts/serve.sh
#   SERVE_SUPERSET=0 scripts/serve.sh     # without Superset
#
# `make demo` calls it after simulating and building.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
API_PORT=${API_PORT:-8000}
DAGSTER_PORT=${DAGSTER_PORT:-3000}
SUPERSET_PORT=${SUPERSET_PORT:-8088}
DATA_DIR=$(realpath -m "${HUB_DATA_DIR:-var}")
export HUB_DATA_DIR=$DATA_DIR DAGSTER_HOME=$DATA_DIR/dagster
LOGS=$DATA_DIR/logs
mkdir -p "$LOGS"
# DAGSTER_HOME with its dagster.yaml (telemetry off), as `hub build` makes it
"$BIN/python" -c 'from hub.settings import get_settings; from orchestration.lib.environment import ensure_dagster_home; ensure_dagster_home(get_settings())'

if [ ! -f "$DATA_DIR/serving.db" ] && [ -z "${HUB_SERVING_URL:-}" ]; then
    echo "nothing published in $DATA_DIR yet: run 'hub simulate' and 'hub build' first (or make demo)" >&2
    exit 1
fi

# Job control: each server runs in its own process group (the fallback kills the group).
set -m
# Servers start with SIGINT handled even when this script was started ignoring it (as a
# background job is): dagster dev handles SIGTERM as SIGINT, so it would otherwise ignore both.
with_sigint() {
    exec "$BIN/python" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' "$@"
}
pids=()
stop() {  # SIGINT: uvicorn and dagster dev (with its webserver, daemon and code server) shut down cleanly
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 40); do
        alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && return 0
        sleep 0.5
    done
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
trap stop INT TERM EXIT

with_sigint "$BIN/hub" serve --port "$API_PORT" >"$LOGS/api.log" 2>&1 &
pids+=($!)
with_sigint "$BIN/dagster" dev -w workspace.yaml --port "$DAGSTER_PORT" >"$LOGS/dagster.log" 2>&1 &
pids+=($!)
# Superset (dashboards) when its virtualenv is installed (make superset-install); SERVE_SUPERSET=0 skips it
WITH_SUPERSET=0
[ -x .superset-venv/bin/superset ] && [ "${SERVE_SUPERSET:-1}" != 0 ] && WITH_SUPERSET=1
if [ $WITH_SUPERSET = 1 ]; then
    SUPERSET_PORT=$SUPERSET_PORT with_sigint scripts/superset.sh >"$LOGS/superset.log" 2>&1 &
    pids+=($!)
fi

wait_for() {  # url, name, log[, half-seconds]: poll until the server answers; fail if it died
    for _ in $(seq 1 "${4:-240}"); do
        if "$BIN/python" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null; then
            return 0
        fi
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null || { echo "$2 stopped; see $3" >&2; exit 1; }
        done
        sleep 0.5
    done
    echo "$2 did not answer at $1 within $(( ${4:-240} / 120 )) minutes; see $3" >&2
    exit 1
}
wait_for "http://127.0.0.1:$API_PORT/health" "the API" "$LOGS/api.log"
wait_for "http://127.0.0.1:$DAGSTER_PORT/server_info" "the Dagster UI" "$LOGS/dagster.log"
SUPERSET_LINE="Superset      not served (make superset-install; SERVE_SUPERSET=${SERVE_SUPERSET:-1})"
if [ $WITH_SUPERSET = 1 ]; then
    wait_for "http://127.0.0.1:$SUPERSET_PORT/health" "Superset" "$LOGS/superset.log" 720  # first start provisions
    SUPERSET_LINE="Superset      http://127.0.0.1:$SUPERSET_PORT  (user admin, password ${SUPERSET_ADMIN_PASSWORD:-admin}; logs: $LOGS/superset.log)"
fi

KEY=$("$BIN/hub" keys create --role agent --name "demo $(date +%F-%T)")
cat <<EOF

The hub is served from $DATA_DIR:
  GraphQL API   http://127.0.0.1:$API_PORT/graphql  (GraphiQL in a browser; logs: $LOGS/api.log)
  Dagster UI    http://127.0.0.1:$DAGSTER_PORT       (lineage, runs, checks; logs: $LOGS/dagster.log)
  $SUPERSET_LINE
  demo key      $KEY  (role agent; revoke: $BIN/hub keys revoke ${KEY%%.*})

Try:
  curl -s http://127.0.0.1:$API_PORT/graphql -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\
    -d '{"query": "{ searchCustomers(text: \\"CU00\\", first: 3) { edges { node { id name city } } } }"}'
In GraphiQL, set the header {"Authorization": "Bearer $KEY"}.
Ctrl-C stops the servers.
EOF
wait -n "${pids[@]}"
echo "a server stopped; see $LOGS" >&2
exit 1
