"""`python -m vpcsim ...`: the same as the `vpcsim` command."""

import sys

from vpcsim.cli import main

sys.exit(main())
