"""`python -m micrograd`: the command line, which lives in micrograd.cli."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
