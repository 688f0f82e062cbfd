"""``openrem restore FOLDER --yes``: put back a backup made by ``openrem backup``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database and media folder by those of a backup folder. Stop the services first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="a folder written by 'openrem backup'")
        parser.add_argument("--yes", action="store_true", help="confirm: the current data is replaced")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        if not (folder / "manifest.json").is_file():
            raise CommandError(f"{folder} is not a backup folder (no manifest.json)")
        if not options["yes"]:
            raise CommandError("restore replaces the current database and media folder: add --yes to confirm")
        try:
            result = restore(folder)
        except (BackupError, OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        if result["differing"]:
            raise CommandError(f"restored, but row counts differ from the backup: {result['differing']}")
        self.stdout.write(f"restored {result['tables']} tables from {folder}; row counts match the backup")
