"""``python -m rnncourse ...`` behaves exactly like the ``rnncourse`` command."""

import sys

from rnncourse.cli import main

if __name__ == "__main__":
    sys.exit(main())
