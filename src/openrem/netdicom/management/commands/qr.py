"""``openrem qr`` (also ``openrem_qr.py``): query a remote node and retrieve to a store node."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from openrem.netdicom import qr_params
from openrem.netdicom.echo import echo
from openrem.netdicom.models import Query, RemoteNode, StoreNode

FLAGS = {"ct": "Query for CT studies", "mg": "Query for mammography studies", "fl": "Query for fluoroscopy studies",
         "dx": "Query for planar X-ray studies (includes panoramic X-ray studies)",
         "nm": "Query for nuclear medicine studies"}


class Command(BaseCommand):
    help = "Query remote server and retrieve to OpenREM"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("qr_id", type=int, help="Database ID of the remote QR node")
        parser.add_argument("store_id", type=int, help="Database ID of the local store node")
        for flag, text in FLAGS.items():
            parser.add_argument(f"-{flag}", action="store_true", help=f"{text}. Cannot be used with -sr")
        parser.add_argument("-f", "--dfrom", metavar="yyyy-mm-dd",
                            help="Date from, format yyyy-mm-dd. Cannot be used with --single_date")
        parser.add_argument("-t", "--duntil", metavar="yyyy-mm-dd",
                            help="Date until, format yyyy-mm-dd. Cannot be used with --single_date")
        parser.add_argument("-sd", "--single_date", metavar="yyyy-mm-dd",
                            help="Date, format yyy-mm-dd. Cannot be used with --dfrom or --duntil")
        parser.add_argument("-tf", "--tfrom", metavar="hhmm", help="Time from, format hhmm. Requires --single_date.")
        parser.add_argument("-tt", "--tuntil", metavar="hhmm", help="Time until, format hhmm. Requires --single_date.")
        parser.add_argument("-e", "--desc_exclude", metavar="string",
                            help="Terms to exclude in study description, comma separated, quote whole string")
        parser.add_argument("-i", "--desc_include", metavar="string",
                            help="Terms that must be included in study description, comma separated, quote whole string")
        parser.add_argument("-sne", "--stationname_exclude", metavar="string",
                            help="Terms to exclude in station name, comma separated, quote whole string")
        parser.add_argument("-sni", "--stationname_include", metavar="string",
                            help="Terms to include in station name, comma separated, quote whole string")
        parser.add_argument("--stationname_study_level", action="store_true",
                            help="Advanced: Filter station name at Study level, instead of at Series level")
        parser.add_argument("-toshiba", action="store_true",
                            help="Advanced: Attempt to retrieve CT dose summary objects and one image from each series")
        parser.add_argument("-sr", action="store_true",
                            help="Advanced: Use if store has RDSRs only, no images. Cannot be used with -ct, -mg, -fl, -dx")
        parser.add_argument("-dup", action="store_true",
                            help="Advanced: Retrieve duplicates (objects that have been processed before)")
        parser.add_argument("-emptysr", action="store_true",
                            help="Advanced: Get SR series that return nothing at image level query")
        parser.add_argument("--background", action="store_true",
                            help="queue the query-retrieve as a background task instead of running it now")

    def handle(self, *args: Any, **options: Any) -> None:
        node = RemoteNode.objects.filter(pk=options["qr_id"]).first()
        store = StoreNode.objects.filter(pk=options["store_id"]).first()
        if node is None or store is None:
            raise CommandError(f"no {'remote QR node' if node is None else 'store node'} with that database ID")
        params = parameters(options)
        errors = qr_params.check(params)
        if errors:
            raise CommandError("; ".join(errors))
        for label, result in (("QR node", echo(node.address, node.port, node.remote_aet, node.our_aet)),
                              ("store node", echo(store.host, store.port, store.aet))):
            self.stdout.write(f"{label} echo: {result.status} {result.detail}".rstrip())
            if not result.alive:
                raise CommandError(f"{label} does not respond to C-ECHO; nothing queried")
        query = Query.objects.create(node=node, store=store, parameters=params)
        if options["background"]:
            from openrem.netdicom.qr_tasks import start_query

            record = start_query(query, move=True)
            self.stdout.write(f"query {query.pk} queued as task {record.uuid}")
            return
        from openrem.netdicom.qrscu_run import run_move, run_query

        run_query(query)
        self.stdout.write(query.stage)
        if not query.failed:
            run_move(query)
            self.stdout.write(query.stage)
        if query.errors:
            self.stderr.write(query.errors.strip())
        if query.failed:
            raise CommandError(f"query {query.pk} failed")


def parameters(options: dict[str, Any]) -> dict[str, Any]:
    """The ``Query.parameters`` of the command line options."""
    return {
        "modalities": [f.upper() for f in FLAGS if options.get(f)], "sr_only": bool(options.get("sr")),
        "date_from": options.get("dfrom") or "", "date_until": options.get("duntil") or "",
        "single_date": options.get("single_date") or "", "time_from": options.get("tfrom") or "",
        "time_until": options.get("tuntil") or "", "desc_exclude": options.get("desc_exclude") or "",
        "desc_include": options.get("desc_include") or "",
        "stationname_exclude": options.get("stationname_exclude") or "",
        "stationname_include": options.get("stationname_include") or "",
        "stationname_study_level": bool(options.get("stationname_study_level")),
        "toshiba": bool(options.get("toshiba")), "get_empty_sr": bool(options.get("emptysr")),
        "duplicates": bool(options.get("dup")), "source": "command line",
    }
