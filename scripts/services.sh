# Make sure the real PostgreSQL and Redis the tests need are answering (sourced by scripts/test.sh).
# A server that is down is started; one that is missing is installed from Debian's packages.

probe_postgres() {
  .venv/bin/python - "$1" <<'PY' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
}

probe_redis() {
  .venv/bin/python - "$1" <<'PY' >/dev/null 2>&1
import sys, redis
redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3).ping()
PY
}

ensure_postgres() {
  local url="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"
  if probe_postgres "$url"; then export TEST_POSTGRES_URL="$url"; return 0; fi
  if [ -n "${TEST_POSTGRES_URL:-}" ]; then
    echo "error: PostgreSQL does not answer at TEST_POSTGRES_URL=$TEST_POSTGRES_URL" >&2; return 1
  fi
  command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql
  # The machine's own cluster, if it only needs starting.
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  done
  if probe_postgres "$url"; then export TEST_POSTGRES_URL="$url"; return 0; fi
  # Otherwise a private throw-away cluster with trust auth on a side port.
  local bin dir port=54329
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  dir="${TMPDIR:-/tmp}/cnss-gateway-pg"
  url="postgresql://postgres@127.0.0.1:$port/postgres"
  if ! probe_postgres "$url"; then
    rm -rf "$dir" && mkdir -p "$dir" && chown postgres "$dir"
    runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  probe_postgres "$url" || { echo "error: could not start PostgreSQL" >&2; return 1; }
  export TEST_POSTGRES_URL="$url"
}

ensure_redis() {
  local url="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
  if probe_redis "$url"; then export TEST_REDIS_URL="$url"; return 0; fi
  if [ -n "${TEST_REDIS_URL:-}" ]; then
    echo "error: Redis does not answer at TEST_REDIS_URL=$TEST_REDIS_URL" >&2; return 1
  fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do probe_redis "$url" && break; sleep 0.5; done
  probe_redis "$url" || { echo "error: could not start Redis" >&2; return 1; }
  export TEST_REDIS_URL="$url"
}

# Debian's redis-server and redis-cli, which the fault tests and the Redis Cluster tests start on their own
# ports (even when TEST_REDIS_URL is a server elsewhere). When they cannot be installed, those tests fail naming them.
ensure_redis_tools() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && return 0
  apt_install redis-server ||
    echo "error: could not install Debian's redis-server; the fault and Redis Cluster tests will fail" >&2
  return 0
}

# Debian's Chromium for the browser tests (Playwright drives it; no browser is ever downloaded).
# When it cannot be installed, the run goes on and the browser tests fail naming it.
ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  apt_install chromium || echo "error: could not install Debian's chromium; the browser tests will fail" >&2
  return 0
}

# Debian's Kannel (bearerbox, smsbox) and its test programs (fakesmsc, in kannel-extras) for the Kannel tests,
# which start their own private Kannel on free loopback ports (a kannel service the package started is left
# alone). When they cannot be installed, the run goes on and the Kannel tests fail naming them.
ensure_kannel() {
  [ -x /usr/sbin/bearerbox ] && [ -x /usr/sbin/smsbox ] && [ -x /usr/lib/kannel/test/fakesmsc ] && return 0
  apt_install kannel kannel-extras ||
    echo "error: could not install Debian's kannel and kannel-extras; the Kannel tests will fail" >&2
  return 0
}
