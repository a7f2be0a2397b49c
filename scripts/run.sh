#!/usr/bin/env bash
# Install and run the gateway on its embedded default (SQLite + in-process sessions) with demo data.
# Serves http://127.0.0.1:${PORT:-5000}; environment variables of the README override the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_venv requirements.txt
.venv/bin/flask --app app db-upgrade
.venv/bin/flask --app app seed-demo
exec .venv/bin/flask --app app run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
