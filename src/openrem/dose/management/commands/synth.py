"""``openrem synth``: write synthetic, plausible DICOM dose objects (see openrem.dicom.synth)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.dicom import synth


class Command(BaseCommand):
    help = "Write synthetic dose objects: CT/RF/DX/MG RDSRs, NM RRDSRs, DX/CR/MG/NM/PET image headers."
    # Run often (per file, by scripts and Orthanc): skip the system checks of the web site (URLs, admin,
    # templates), which cost about 0.7 s per start; `openrem check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--modality", default="CT", help=f"one of {', '.join(synth.BUILDERS)}")
        parser.add_argument("--count", type=int, default=10)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--out", required=True, help="output folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            paths = synth.generate(options["modality"], options["count"], options["seed"], options["out"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"wrote {len(paths)} files to {options['out']}")
