# Shared helpers of scripts/run.sh and scripts/test.sh (sourced, not run).

# Pick a Python >= 3.11.
python_bin() {
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "error: Python 3.11 or newer is required" >&2; return 1
}

# Create .venv if needed and install the given requirements file (quietly, only when it changed).
ensure_venv() {
  local requirements="$1" stamp=".venv/.installed-$(basename "$1")"
  if [ ! -x .venv/bin/python ]; then
    "$(python_bin)" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
  fi
  if [ ! -f "$stamp" ] || [ "$requirements" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    touch "$stamp"
  fi
}

# Install Debian packages when missing (needs root; CI and the dev machines are root).
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: need these Debian packages, install them as root: $*" >&2; return 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "$@" >/dev/null
}
