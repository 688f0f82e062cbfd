"""``openrem import_drl_set FILE``: store a DRL set file (format: openrem.drl.csvio)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.drl.csvio import DrlFileError, parse_drl_file
from openrem.drl.library import store_set


class Command(BaseCommand):
    help = "Import a diagnostic reference level set from a CSV file with '# Key: value' header lines."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            parsed = parse_drl_file(options["file"].read_text(encoding="utf-8-sig"))
            drl_set = store_set(parsed)
        except (OSError, UnicodeDecodeError, DrlFileError, ValueError) as exc:
            raise CommandError(f"{options['file']}: {exc}") from exc
        self.stdout.write(f"stored {drl_set} with {len(parsed.values)} values")
