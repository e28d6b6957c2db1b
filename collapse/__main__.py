"""``python -m collapse`` is the ``collapse`` console script."""

import sys

from collapse.cli import main

sys.exit(main())
