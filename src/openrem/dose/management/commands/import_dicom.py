"""``openrem import PATH...``: import dose objects from files, folders or glob patterns."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.dose.services import KIND_GROUPS, expand_paths, import_file


class Command(BaseCommand):
    help = "Import DICOM dose objects (RDSR, RRDSR, enhanced SR, DX/MG/NM images, Philips CT dose info)."
    # Run often (per file, by scripts and Orthanc): skip the system checks of the web site (URLs, admin,
    # templates), which cost about 0.7 s per start; `openrem check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files, folders (searched recursively) or glob patterns")
        parser.add_argument("--kind", choices=sorted(KIND_GROUPS), help="only import objects of this kind")
        parser.add_argument("--background", action="store_true",
                            help="queue one background task per PATH (processed by `openrem run_huey`, shown "
                                 "on the task pages, can be terminated between files) instead of importing now")

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("background"):
            self._queue(options["paths"], options.get("kind"))
            return
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

    def _queue(self, paths: list[str], kind: str | None) -> None:
        """``--background``: one folder import task per PATH that names at least one file."""
        from openrem.jobs.service import queue_folder_import

        missing = [p for p in paths if not any(f.is_file() for f in expand_paths([p]))]
        if missing:
            raise CommandError(f"no files found: {', '.join(missing)}")
        for item in paths:
            record = queue_folder_import(item, kind=kind)
            self.stdout.write(f"queued task {record.pk} ({record.uuid}): {item}")
