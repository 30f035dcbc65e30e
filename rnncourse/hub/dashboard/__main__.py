"""``python -m rnncourse.hub.dashboard``: start the dashboard service (see :mod:`.service`)."""

import sys

from rnncourse.hub.dashboard.service import main

sys.exit(main())
