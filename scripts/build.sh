#!/usr/bin/env bash
# Builds the desktop program as one folder: dist/inventory-desktop/ (defined by build.spec).
#   scripts/build.sh
# Sets up the project's venv (scripts/setup.sh), adds PyInstaller to it (the [build]
# extra) and, on Debian, binutils' `strip` when it is missing; safe to run again.
# PyInstaller builds for the system it runs on: run this on each OS you ship for.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${INVENTORY_VENV:-$root/.venv}"

"$root/scripts/setup.sh"
# pip only checks what is installed when nothing changed: about 3 s.
"$venv/bin/python" -m pip install -q -e "$root[build]"

# build.spec strips debugging symbols on Linux (~23 MB less with pyenv's Python).
if [ "$(uname -s)" = Linux ] && ! command -v strip >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "build: installing binutils (for strip)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends binutils \
            >/dev/null
    else
        echo "build: 'strip' (binutils) is missing; the bundle will be larger." >&2
    fi
fi

cd "$root"
"$venv/bin/pyinstaller" --noconfirm --log-level WARN build.spec
echo "build: $(du -sh dist/inventory-desktop | cut -f1) in $root/dist/inventory-desktop/" >&2
