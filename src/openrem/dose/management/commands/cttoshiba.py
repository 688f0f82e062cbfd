"""``openrem cttoshiba FOLDER...``: CT studies derived from the headers of their CT images (legacy CT)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.dose.legacy_ct import import_folders


class Command(BaseCommand):
    help = ("Import CT studies without a dose report from folders of their CT images: one event per "
            "acquisition derived from the image headers (CTDIvol, kVp, collimation, pitch, table positions).")
    # Run often (per file, by scripts and Orthanc): skip the system checks of the web site (URLs, admin,
    # templates), which cost about 0.7 s per start; `openrem check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="folders (searched recursively), files or glob patterns")
        parser.add_argument("--any-system", action="store_true",
                            help="import studies from any CT, not only the Toshiba extractor systems list")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = studies = 0
        for outcome in import_folders(options["paths"], any_system=bool(options.get("any_system"))):
            self.stdout.write(outcome.line())
            failed += outcome.failed
            studies += not hasattr(outcome, "path")
        if studies == 0:
            raise CommandError("no CT images found")
        if failed:
            raise CommandError(f"{failed} file(s) or study(ies) failed")
