"""``openrem create_import_token NAME``: create a token for the HTTP import and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.httpimport.models import ImportToken


class Command(BaseCommand):
    help = ("Create an import token for POST /import/orthanc/ (printed once, only its hash is stored). "
            "--list shows the tokens, --revoke NAME disables one.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", help="who will use the token, e.g. orthanc-main")
        parser.add_argument("--list", action="store_true", help="list the tokens (never the tokens themselves)")
        parser.add_argument("--revoke", action="store_true", help="revoke the token called NAME")

    def handle(self, *args: Any, **options: Any) -> None:
        name = (options.get("name") or "").strip()
        if options["list"]:
            for row in ImportToken.objects.all():
                used = row.last_used.isoformat(timespec="seconds") if row.last_used else "never"
                state = "enabled" if row.enabled else "revoked"
                self.stdout.write(f"{row.name}\t{row.prefix}…\t{state}\tcreated {row.created:%Y-%m-%d}\tlast used {used}")
            return
        if not name:
            raise CommandError("give a NAME for the token")
        if options["revoke"]:
            if not ImportToken.objects.filter(name=name).update(enabled=False):
                raise CommandError(f"no token called {name!r}")
            self.stdout.write(f"token {name!r} revoked")
            return
        if len(name) > 64:
            raise CommandError("the name is at most 64 characters")
        if ImportToken.objects.filter(name=name).exists():
            raise CommandError(f"a token called {name!r} exists already (revoke it or choose another name)")
        _, token = ImportToken.issue(name)
        self.stdout.write(token)
        self.stderr.write(f"Token {name!r} created. Copy it now (into the Orthanc Lua options): it is not shown again.")
