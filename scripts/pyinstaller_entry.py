"""Entry point frozen by PyInstaller (build.spec): same main as `python -m inventory_desktop`."""

import sys

from inventory_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
