"""``openrem dump``: print stored studies (``--format reference``) or the parsed record of one file."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem import jsonsafe
from openrem.dicom import plausible
from openrem.dicom.parse import Status, parse_path
from openrem.dicom.plain import to_plain


class Command(BaseCommand):
    help = "Print the stored studies as JSON, or the record parsed from FILE (no database needed)."
    # Run often (per file, by scripts and Orthanc): skip the system checks of the web site (URLs, admin,
    # templates), which cost about 0.7 s per start; `openrem check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="a DICOM file to parse and print without storing it")
        parser.add_argument("--format", choices=["reference", "record"], default=None)
        parser.add_argument("--codes", action="store_true", help="print coded values with value and scheme")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"]:
            result = parse_path(options["file"])
            body: dict[str, Any] = {"status": str(result.status), "kind": result.kind, "reason": result.reason}
            if result.report is not None:  # as it would be stored: implausible values null, with warnings
                try:
                    body["record"] = to_plain(plausible.check(result.report), codes=options["codes"])
                except plausible.ImplausibleReport as exc:
                    body.update(status=str(Status.ERROR), reason=str(exc))
                    result = replace(result, status=Status.ERROR, reason=str(exc))
            self.stdout.write(jsonsafe.dumps(body, indent=1, ensure_ascii=False))
            if result.status in (Status.ERROR, Status.UNREADABLE):
                raise CommandError(result.reason)
            return
        if options["format"] != "reference":
            raise CommandError("give a FILE, or --format reference for the stored studies")
        from openrem.dose.reference import dump_reference

        self.stdout.write(jsonsafe.dumps(dump_reference(), indent=1, ensure_ascii=False))
