#!/usr/bin/env bash
# Sets up everything inventory_desktop needs on this machine; safe to run again.
#  - Debian packages Qt needs (offscreen for tests, X11 for a real window), when apt-get
#    is there and we are root (or may sudo without a password).
#  - A virtual environment (.venv, or $INVENTORY_VENV) with the package and its test extra.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${INVENTORY_VENV:-$root/.venv}"
python="${PYTHON:-python3}"

qt_packages=(libegl1 libgl1 libx11-6 libxkbcommon0 libfontconfig1 libfreetype6
             libglib2.0-0 libdbus-1-3 fonts-dejavu-core)
window_packages=(libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
                 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0
                 libxcb-randr0 libxcb-xkb1 libxcb-xfixes0)

install_debian_packages() {
    command -v apt-get >/dev/null 2>&1 || return 0
    local missing=() pkg wanted=("${qt_packages[@]}" "${window_packages[@]}")
    # Debian's own Python keeps venv (and the pip it bootstraps) in a separate package.
    "$python" -c 'import venv, ensurepip' 2>/dev/null || wanted+=(python3-venv)
    for pkg in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if sudo -n true 2>/dev/null; then sudo="sudo"; else
            echo "setup: please install these Debian packages: ${missing[*]}" >&2
            return 0
        fi
    fi
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    $sudo apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
        "${missing[@]}" >/dev/null
}

make_venv() {
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
        echo "setup: Python 3.11 or newer is needed ($python is $("$python" -V 2>&1))." >&2
        exit 1
    }
    [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
    # Reinstall only when the declared dependencies changed.
    local stamp="$venv/.inventory-desktop-stamp" wanted
    wanted="$(cat "$root/pyproject.toml" | cksum)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
        "$venv/bin/python" -m pip install -q -e "$root[test]"
        echo "$wanted" > "$stamp"
    fi
}

install_debian_packages
make_venv
