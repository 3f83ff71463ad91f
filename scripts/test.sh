#!/usr/bin/env bash
# Sets up (if needed) and runs the test suite offscreen. Extra arguments go to pytest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
export QT_QPA_PLATFORM=offscreen
exec "${INVENTORY_VENV:-$root/.venv}/bin/python" -m pytest "$@"
