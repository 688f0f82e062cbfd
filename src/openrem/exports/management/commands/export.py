"""``openrem export <ct|dx|rf|mg|nm> --format FORMAT [--filter NAME=VALUE ...] -o FILE`` (docs/exports.md)."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.exports.run import FORMATS, CommandUser, ExportError, run_export


class Command(BaseCommand):
    help = "Export the studies of one modality matching the study list filters to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("modality", choices=sorted(FORMATS))
        parser.add_argument("--format", dest="fmt", default="csv",
                            choices=sorted({f for fs in FORMATS.values() for f in fs}))
        parser.add_argument("--filter", action="append", default=[], metavar="NAME=VALUE",
                            help="a study list filter (the names of the list's query string); repeatable")
        parser.add_argument("--pid", choices=["name", "id", "both"], default="",
                            help="include patient name, ID or both (and date of birth)")
        parser.add_argument("--bom", action="store_true", help="write a UTF-8 byte order mark (Excel)")
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        filters: dict[str, str] = {}
        for item in options["filter"]:
            name, sep, value = item.partition("=")
            if not sep or not name:
                raise CommandError(f"--filter takes NAME=VALUE, not {item!r}")
            filters[name.strip()] = value
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if options["verbosity"] > 1:
                sys.stderr.write(f"\r{done} of {total} studies")

        try:
            count = run_export(options["modality"], options["fmt"], filters, CommandUser(), options["output"],
                               pid=options["pid"], bom=options["bom"], progress=progress)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{count} studies exported to {options['output']} in {time.monotonic() - started:.1f} s")
