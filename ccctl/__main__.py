import sys

from ccctl.cli import main

sys.exit(main())
