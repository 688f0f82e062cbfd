"""``openrem storescp``: run the DICOM store SCP until interrupted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.netdicom.models import AE_TITLE, StoreNode
from openrem.netdicom.storescp import StoreSCP


class Command(BaseCommand):
    help = ("Receive DICOM objects (C-STORE) and queue their import. Use --node NAME for a store node "
            "configured on the DICOM network page, or --aet and --port.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--node", help="name of a configured store node")
        parser.add_argument("--aet", help="AE title (with --port)")
        parser.add_argument("--port", type=int, help="port to listen on (with --aet)")
        parser.add_argument("--host", default=None, help="address to listen on (default: the node's, or 0.0.0.0)")
        parser.add_argument("--also-aet", action="append", default=[], metavar="AET",
                            help="a further called AE title to answer to (repeatable; others are rejected)")

    def handle(self, *args: Any, **options: Any) -> None:
        aet, port, host, others = self._target(options)
        for title in others:
            try:
                AE_TITLE(title)
            except Exception as exc:
                raise CommandError(f"invalid AE title {title!r}") from exc
        scp = StoreSCP(aet, port, host, other_aets=others)
        self.stdout.write(f"Store SCP {aet} listening on {host}:{port}, inbox {scp.inbox} (Ctrl-C to stop)")
        try:
            scp.start(block=True)
        except KeyboardInterrupt:
            self.stdout.write("stopped")
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc}") from exc

    def _target(self, options: dict[str, Any]) -> tuple[str, int, str, list[str]]:
        if options["node"]:
            node = StoreNode.objects.filter(name=options["node"]).first()
            if node is None:
                names = ", ".join(StoreNode.objects.values_list("name", flat=True)) or "none configured"
                raise CommandError(f"no store node named {options['node']!r} ({names})")
            return node.aet, node.port, options["host"] or node.host, [*node.called_aets[1:], *options["also_aet"]]
        if not options["aet"] or not options["port"]:
            raise CommandError("give --node NAME, or --aet AET and --port N")
        try:
            AE_TITLE(options["aet"])
        except Exception as exc:
            raise CommandError(f"invalid AE title {options['aet']!r}") from exc
        if not 1 <= options["port"] <= 65535:
            raise CommandError("the port is 1 to 65535")
        return options["aet"], options["port"], options["host"] or "0.0.0.0", list(options["also_aet"])
