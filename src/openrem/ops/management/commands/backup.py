"""``openrem backup [--output DIR]``: database, media and settings to a dated folder (openrem.ops.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format, or the SQLite file), the media folder and the settings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=None, help="parent folder (default $OPENREM_DATA/backups)")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"] or Path(settings.DATA_DIR) / "backups")
        try:
            folder = backup(output)
        except (BackupError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        self.stdout.write(str(folder))
