#!/usr/bin/env bash
# Sets up (if needed) and opens inventory_desktop on the default data file.
# Arguments go to the program: `scripts/run.sh --db other.sqlite3`, or a command
# such as `scripts/run.sh items list`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
exec "${INVENTORY_VENV:-$root/.venv}/bin/python" -m inventory_desktop "$@"
