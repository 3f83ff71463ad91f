#!/usr/bin/env bash
# Builds the bundle (scripts/build.sh) and checks it by running the built program
# (scripts/bundle_smoke.py): size, --version, command-line work, the GUI self-test
# offscreen and on an X11 window under Xvfb. Any failed step exits non-zero.
#   scripts/bundle_smoke.sh              # build, then check
#   scripts/bundle_smoke.sh --no-build   # check the bundle already in dist/
# Other arguments go to bundle_smoke.py (--no-xcb, --max-mb N).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${INVENTORY_VENV:-$root/.venv}"

build=1
args=()
for arg in "$@"; do
    if [ "$arg" = --no-build ]; then build=0; else args+=("$arg"); fi
done

# The X11 check needs a virtual X server; scripts/setup.sh already installs the
# libxcb libraries the xcb plugin loads.
if ! command -v Xvfb >/dev/null 2>&1 && [[ " ${args[*]-} " != *" --no-xcb "* ]]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bundle smoke: installing xvfb and xauth" >&2
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends xvfb xauth \
            >/dev/null
    fi
fi

if [ "$build" -eq 1 ]; then
    "$root/scripts/build.sh"
else
    "$root/scripts/setup.sh"
fi
exec "$venv/bin/python" "$root/scripts/bundle_smoke.py" "${args[@]+"${args[@]}"}"
