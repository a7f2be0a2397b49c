#!/usr/bin/env bash
# Container-free install (or upgrade) of the CNSS gateway on a Debian machine with systemd; safe to run again.
# Creates the service user, copies the code to /opt/cnss-gateway/app, builds /opt/cnss-gateway/venv from
# requirements.txt, installs the env file (only when missing), the units and the cnss-flask wrapper, and
# reloads systemd. It starts nothing: edit /etc/cnss-gateway/env first (docs/OPERATIONS.md).
#
# Usage: sudo deploy/install.sh [--dry-run]
#   --dry-run  print every change it would make, change nothing (needs no root)
set -euo pipefail

DRY_RUN=0
case "${1:-}" in
  --dry-run) DRY_RUN=1 ;;
  "") ;;
  -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
  *) echo "error: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

SOURCE="$(cd "$(dirname "$0")/.." && pwd)"
PREFIX=/opt/cnss-gateway
USER_NAME=cnss-gateway
CONFIG_DIR=/etc/cnss-gateway
STATE_DIR=/var/lib/cnss-gateway
UNIT_DIR=/etc/systemd/system
PYTHON="${PYTHON:-python3}"

# Run a command, or only show it in a dry run.
run() {
  if [ "$DRY_RUN" -eq 1 ]; then
    printf 'would run:'; printf ' %q' "$@"; printf '\n'
  else
    "$@"
  fi
}

say() { printf '%s\n' "$*"; }

if [ "$DRY_RUN" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "error: run as root (sudo deploy/install.sh), or see what it would do with --dry-run" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: Python 3.11 or newer is required as '$PYTHON' (apt-get install python3 python3-venv)" >&2
  exit 1
fi
for file in requirements.txt app.py deploy/env.example deploy/granian.env deploy/cnss-flask; do
  [ -f "$SOURCE/$file" ] || { echo "error: $SOURCE/$file is missing: run from a checkout" >&2; exit 1; }
done

say "== service user $USER_NAME"
if id -u "$USER_NAME" >/dev/null 2>&1; then
  say "user $USER_NAME exists"
else
  run useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home --shell /usr/sbin/nologin \
    --comment "CNSS gateway" "$USER_NAME"
fi

say "== code in $PREFIX/app (replaced as a whole; the previous one kept as app.previous)"
run install -d -m 0755 -o root -g root "$PREFIX"
run rm -rf "$PREFIX/app.new"
run install -d -m 0755 "$PREFIX/app.new"
run tar -C "$SOURCE" --exclude=.venv --exclude=instance --exclude=__pycache__ --exclude=.git \
  --exclude=bench --exclude=tests -cf "$PREFIX/app.tar" .
run tar -C "$PREFIX/app.new" --no-same-owner -xf "$PREFIX/app.tar"
run rm -f "$PREFIX/app.tar"
if [ -d "$PREFIX/app" ]; then
  run rm -rf "$PREFIX/app.previous"
  run mv "$PREFIX/app" "$PREFIX/app.previous"
fi
run mv "$PREFIX/app.new" "$PREFIX/app"

say "== virtual environment $PREFIX/venv"
if [ -x "$PREFIX/venv/bin/python" ]; then
  say "venv exists"
else
  run "$PYTHON" -m venv "$PREFIX/venv"
fi
run "$PREFIX/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$PREFIX/app/requirements.txt"
# The units run on a read-only system (ProtectSystem=strict): compile the code now, once.
run "$PREFIX/venv/bin/python" -m compileall -q "$PREFIX/app"

say "== configuration in $CONFIG_DIR"
run install -d -m 0750 -o root -g "$USER_NAME" "$CONFIG_DIR"
if [ -f "$CONFIG_DIR/env" ]; then
  say "$CONFIG_DIR/env exists: kept (compare it with deploy/env.example for new settings)"
else
  run install -m 0640 -o root -g "$USER_NAME" "$SOURCE/deploy/env.example" "$CONFIG_DIR/env"
  say "EDIT $CONFIG_DIR/env: the gateway refuses to start until its required settings are set"
fi
if [ -f "$CONFIG_DIR/granian.env" ]; then
  say "$CONFIG_DIR/granian.env exists: kept"
else
  run install -m 0644 -o root -g root "$SOURCE/deploy/granian.env" "$CONFIG_DIR/granian.env"
fi
run install -d -m 0750 -o "$USER_NAME" -g "$USER_NAME" "$STATE_DIR" "$STATE_DIR/metrics" "$STATE_DIR/reconciliation"

say "== systemd units and the cnss-flask command"
for unit in "$SOURCE"/deploy/systemd/*.service "$SOURCE"/deploy/systemd/*.timer; do
  run install -m 0644 -o root -g root "$unit" "$UNIT_DIR/$(basename "$unit")"
done
run install -m 0755 -o root -g root "$SOURCE/deploy/cnss-flask" /usr/local/bin/cnss-flask
run systemctl daemon-reload

say "== done. Next (docs/OPERATIONS.md):"
say "  edit $CONFIG_DIR/env, then: systemctl enable --now cnss-gateway-web.service cnss-gateway-outbox.service"
say "  on ONE machine: systemctl enable --now cnss-gateway-remind.timer cnss-gateway-reconcile.timer cnss-gateway-purge.timer"
say "  first admin: cnss-flask staff-add admin --role admin"
