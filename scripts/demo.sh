#!/usr/bin/env bash
# Start the background worker and the web app; stop both on Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
$PY manage.py run_huey --quiet &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
$PY -m steward.cli demo logins --url "http://$HOST:$PORT/"
exec_status=0
$PY manage.py runserver --insecure --noreload "$HOST:$PORT" || exec_status=$?
exit $exec_status
