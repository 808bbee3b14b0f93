import sys

from privdesk.app import main

sys.exit(main())
