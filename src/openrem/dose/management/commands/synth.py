"""``openrem synth``: write synthetic, plausible DICOM dose objects (see openrem.dicom.synth)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.dicom import synth


class Command(BaseCommand):
    help = "Write synthetic dose objects: CT/RF/DX/MG RDSRs, NM RRDSRs, DX/CR/MG/NM/PET image headers."

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
