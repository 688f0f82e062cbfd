"""The ``openrem_qr.py`` console script: ``openrem qr`` under the name the spec documents."""

from __future__ import annotations

import sys


def main() -> None:
    """``openrem_qr.py qr_id store_id [options]``."""
    from openrem.cli import main as openrem_main

    openrem_main(["openrem_qr.py", "qr", *sys.argv[1:]])
