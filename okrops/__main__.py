"""``python -m okrops``."""

import sys

try:
    from okrops.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python is still importing okrops: stop quietly, as the CLI does
    sys.exit(130)

main()
