#!/usr/bin/env bash
# Installs the built desktop program for the current user (no root needed):
#   scripts/install-linux.sh [BUNDLE]      # BUNDLE defaults to dist/inventory-desktop
#   scripts/install-linux.sh --uninstall   # removes exactly what install put there
#
# Where, following file-hierarchy(7) and the XDG base directories:
#   ~/.local/lib/ARCH/inventory-desktop/   the bundle: a package's private files that are
#                                          built for one architecture (ARCH such as
#                                          x86_64-linux-gnu, so a home shared between
#                                          machines of different kinds does not mix them up)
#   ~/.local/bin/inventory-desktop         the launcher (a link), on the user's PATH
#   $XDG_DATA_HOME/applications/inventory-desktop.desktop         the menu entry
#   $XDG_DATA_HOME/icons/hicolor/scalable/apps/inventory-desktop.svg  its icon
# ($XDG_DATA_HOME is ~/.local/share unless set.) The menu entry and icon come from
# resources/. The data file and settings are never touched, by either direction.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name=inventory-desktop
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
program_dir="$HOME/.local/lib/$(uname -m)-linux-gnu/$name"
launcher="$HOME/.local/bin/$name"
entry="$data_home/applications/$name.desktop"
icon="$data_home/icons/hicolor/scalable/apps/$name.svg"

fail() { echo "install-linux: $*" >&2; exit 1; }

# True when the launcher is missing or is our link (never replace or remove a
# file of the user's own that happens to have this name).
launcher_is_ours() {
    [ ! -e "$launcher" ] && [ ! -L "$launcher" ] && return 0
    [ -L "$launcher" ] && [ "$(readlink "$launcher")" = "$program_dir/$name" ]
}

# The Desktop Entry spec: quote the path, backslash-escape " ` $ \ inside the
# quotes, then double every backslash for the file's own string escaping; % is %%.
desktop_exec() {
    local path="$1"
    path="${path//\\/\\\\\\\\}"
    path="${path//\"/\\\\\"}"
    path="${path//\`/\\\\\`}"
    path="${path//\$/\\\\\$}"
    path="${path//%/%%}"
    printf '"%s"' "$path"
}

left_alone() {
    echo "Your data file and settings were left alone:"
    echo "  data:     $data_home/$name/ (or the file you chose with --db or \$INVENTORY_DB)"
    echo "  settings: ${XDG_CONFIG_HOME:-$HOME/.config}/$name/"
}

install_program() {
    local bundle="${1:-$root/dist/$name}"
    [ -x "$bundle/$name" ] && [ -d "$bundle/_internal" ] \
        || fail "there is no built program at $bundle (build it with scripts/build.sh)."
    launcher_is_ours || fail "$launcher exists and is not this program's launcher; \
move it away first."
    mkdir -p "$(dirname "$program_dir")" "$(dirname "$launcher")" "$(dirname "$entry")" \
        "$(dirname "$icon")"
    # Copy beside the old copy, then swap: a failed copy leaves the old install working.
    local fresh="$program_dir.new-$$"
    rm -rf "$fresh"
    cp -a "$bundle" "$fresh"
    rm -rf "$program_dir"
    mv "$fresh" "$program_dir"
    ln -sfn "$program_dir/$name" "$launcher"
    sed "s|^Exec=.*|Exec=$(desktop_exec "$program_dir/$name" | sed 's/[|&\\]/\\&/g')|" \
        "$root/resources/$name.desktop" > "$entry.new-$$"
    mv "$entry.new-$$" "$entry"
    cp "$root/resources/$name.svg" "$icon"
    # Desktops notice a new icon when its theme folder changes.
    touch "$data_home/icons/hicolor" 2>/dev/null || true
    echo "Installed Inventory in $program_dir"
    echo "  menu entry: $entry"
    echo "  command:    $launcher"
    case ":$PATH:" in
        *":$HOME/.local/bin:"*) ;;
        *) echo "  ($HOME/.local/bin is not on your PATH; the menu entry works regardless.)" ;;
    esac
    left_alone
}

uninstall_program() {
    local removed=0 path
    if launcher_is_ours; then
        if [ -L "$launcher" ]; then rm -f "$launcher"; removed=1; fi
    else
        echo "Kept $launcher: it is not this program's launcher."
    fi
    for path in "$entry" "$icon" "$program_dir"; do
        if [ -e "$path" ]; then rm -rf "$path"; removed=1; fi
    done
    if [ "$removed" -eq 1 ]; then
        echo "Removed Inventory from $program_dir, its launcher and its menu entry."
    else
        echo "Inventory was not installed for this user; nothing to remove."
    fi
    left_alone
}

case "${1:-}" in
    --uninstall) uninstall_program ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' ;;
    -*) fail "unknown option $1 (use --uninstall, or name a built bundle folder)." ;;
    *) install_program "${1:-}" ;;
esac
