import sys

from styrkort.cli import main

sys.exit(main())
