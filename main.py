"""Start privdesk (same as ``python -m privdesk`` or the ``privdesk`` command)."""

import sys

from privdesk.app import main

if __name__ == "__main__":
    sys.exit(main())
