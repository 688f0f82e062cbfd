"""``openrem fixes``: print the vendor fix registry (name, equipment, what it does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openrem.dicom import fixes


class Command(BaseCommand):
    help = "List the vendor fixes the parsers apply, with the manufacturers and models they are for."
    # Run often (per file, by scripts and Orthanc): skip the system checks of the web site (URLs, admin,
    # templates), which cost about 0.7 s per start; `openrem check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--markdown", action="store_true", help="print the Markdown table of docs/importing.md")
        parser.add_argument("--manufacturer", default="", help="only fixes for this manufacturer")
        parser.add_argument("--model", default="", help="only fixes for this model")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["markdown"]:
            self.stdout.write(fixes.markdown_table(), ending="")
            return
        chosen = (fixes.fixes_for(options["manufacturer"], options["model"])
                  if options["manufacturer"] or options["model"] else list(fixes.FIXES.values()))
        for fix in sorted(chosen, key=lambda f: (f.manufacturer.lower(), f.name)):
            models = ", ".join(fix.models)
            self.stdout.write(f"{fix.name}: {fix.manufacturer} [{models}] ({', '.join(k.value for k in fix.kinds)})")
            self.stdout.write(f"    {fix.description}")
