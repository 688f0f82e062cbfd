"""The ``openrem`` command: Django's manage.py with OpenREM's settings, plus importer aliases."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    """Run a management command: ``openrem import FILE...``, ``openrem dump``, ``openrem migrate``...

    ``openrem skinmap FILE`` runs without Django or a database (:mod:`openrem.skin.cli`).
    """
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "skinmap":
        from openrem.skin.cli import main as skinmap

        sys.exit(skinmap(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openrem.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from openrem.production import UnsafeConfiguration

    try:
        Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)  # the default SQLite database lives here
    except UnsafeConfiguration as exc:  # production mode with unsafe settings: say why, no traceback
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(2) from None
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "import":
        args[1] = "import_dicom"
    execute_from_command_line(args)


def _alias(kind: str | None) -> None:
    extra = ["--kind", kind] if kind else []
    main(["openrem", "import_dicom", *extra, *sys.argv[1:]])


def rdsr_alias() -> None:
    """``openrem_rdsr.py FILE...``: import radiation dose structured reports."""
    _alias("sr")


def dx_alias() -> None:
    """``openrem_dx.py FILE...``: import radiography image headers."""
    _alias("dx")


def mg_alias() -> None:
    """``openrem_mg.py FILE...``: import mammography image headers."""
    _alias("mg")


def nm_alias() -> None:
    """``openrem_nm.py FILE...``: import NM and PET image headers."""
    _alias("nm")


def ctphilips_alias() -> None:
    """``openrem_ctphilips.py FILE...``: import Philips CT dose info secondary captures."""
    _alias("ctphilips")


def cttoshiba_alias() -> None:
    """``openrem_cttoshiba.py FOLDER...``: CT studies derived from their CT image headers (legacy CT)."""
    main(["openrem", "cttoshiba", *sys.argv[1:]])


def ptsizecsv_alias() -> None:
    """``openrem_ptsizecsv.py [-u] [-v] [-o] csvfile id height weight``: patient sizes from a CSV file."""
    from openrem.ptsize.cli import main as ptsize_main

    sys.exit(ptsize_main())
