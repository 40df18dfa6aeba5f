#!/usr/bin/env bash
# Provision Superset (metadata, admin user, the hub's dashboards from superset/dashboards.py)
# and serve it in the foreground on SUPERSET_PORT (8088), over the serving store in
# HUB_DATA_DIR (var). Needs `make superset-install` and a built hub.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.superset-venv
PORT=${SUPERSET_PORT:-8088}
export HUB_DATA_DIR=$(realpath -m "${HUB_DATA_DIR:-var}")
export SUPERSET_CONFIG_PATH=$PWD/superset/superset_config.py FLASK_APP=superset

if [ ! -x "$VENV/bin/superset" ]; then
    echo "Superset is not installed: run 'make superset-install'" >&2
    exit 1
fi
"$VENV/bin/python" superset/provision.py
# one worker process with threads: SQLite metadata, no Celery, no Redis
exec "$VENV/bin/gunicorn" --bind "127.0.0.1:$PORT" --workers 1 --threads 8 --timeout 120 \
    --access-logfile - "superset.app:create_app()"
