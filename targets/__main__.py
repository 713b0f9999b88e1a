"""`python -m targets`: the same as the `targets` command."""

import sys

from targets.cli import main

sys.exit(main())
