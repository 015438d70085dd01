"""``python -m torchless run FILE.py|FILE.ipynb``: the same as the ``torchless`` command."""
import sys

from .cli import main

sys.exit(main())
