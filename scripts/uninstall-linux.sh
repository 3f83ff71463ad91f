#!/usr/bin/env bash
# Removes the desktop program installed by scripts/install-linux.sh (the data file
# and settings stay). The same as: scripts/install-linux.sh --uninstall
exec "$(dirname "${BASH_SOURCE[0]}")/install-linux.sh" --uninstall
