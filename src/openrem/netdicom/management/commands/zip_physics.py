"""``openrem zip_physics``: zip the physics studies kept aside by the store SCP."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openrem.netdicom.physics import zip_physics


class Command(BaseCommand):
    help = ("Zip each physics study folder (DATA_DIR/physics/<date>/<patient>/<study>) that has not changed "
            "for --stable seconds into <study>.zip and remove the originals. Run it from cron.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stable", type=float, default=600.0,
                            help="seconds without a new object before a study is zipped (default 600)")

    def handle(self, *args: Any, **options: Any) -> None:
        result = zip_physics(stable_seconds=options["stable"])
        for path in result.zipped:
            self.stdout.write(f"zipped {path}")
        self.stdout.write(f"{len(result.zipped)} study(ies) zipped, {result.waiting} not yet stable")
