"""``openrem import PATH...``: import dose objects from files, folders or glob patterns."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.dose.services import KIND_GROUPS, expand_paths, import_file


class Command(BaseCommand):
    help = "Import DICOM dose objects (RDSR, RRDSR, enhanced SR, DX/MG/NM images, Philips CT dose info)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files, folders (searched recursively) or glob patterns")
        parser.add_argument("--kind", choices=sorted(KIND_GROUPS), help="only import objects of this kind")

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = KIND_GROUPS[options["kind"]] if options.get("kind") else None
        failed = total = 0
        for path in expand_paths(options["paths"]):
            outcome = import_file(path, kinds)
            total += 1
            failed += outcome.failed
            self.stdout.write(outcome.line())
        if total == 0:
            raise CommandError("no files found")
        if failed:
            raise CommandError(f"{failed} of {total} file(s) failed")
