"""``openrem import_openrem_db DATABASE_URL``: take over an OpenREM 0.10/1.0 database (read-only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.takeover.run import take_over
from openrem.takeover.source import OldDatabase, SourceError


class Command(BaseCommand):
    help = ("Bring every study, event, display name, not-patient pattern, standard name, user and group "
            "membership of an older OpenREM database (sqlite:///path or postgres://...) into this one. "
            "The old database is only read. Running it again changes nothing.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("database_url", help="sqlite:///path/to/old.sqlite3 or postgres://user:pass@host/db")
        parser.add_argument("--time-zone", default=None,
                            help="the older installation's TIME_ZONE (default: this installation's)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            db = OldDatabase(options["database_url"], options["time_zone"] or settings.TIME_ZONE)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        try:
            self.stdout.write(f"taking over {db.safe_url}")
            report = take_over(db, progress=lambda done, total: self.stdout.write(f"  {done}/{total} studies"))
        finally:
            db.close()
        for line in report.lines():
            self.stdout.write(line)
        if report.studies["failed"]:
            raise CommandError(f"{report.studies['failed']} studies could not be taken over (listed above)")
