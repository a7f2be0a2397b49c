#!/usr/bin/env bash
# Install everything and run the whole test suite against real PostgreSQL and Redis (started if down).
# Extra arguments go to pytest, e.g. scripts/test.sh tests/unit -q
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/services.sh
ensure_venv requirements-dev.txt
ensure_postgres
ensure_redis
ensure_redis_tools
ensure_chromium
ensure_kannel
exec .venv/bin/python -m pytest "$@"
