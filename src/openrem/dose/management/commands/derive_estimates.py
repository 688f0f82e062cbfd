"""``openrem derive_estimates``: recompute SSDE and effective dose estimates of stored CT and NM studies."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from openrem.dose.derived_store import refresh_ct_estimates, refresh_nm_estimates
from openrem.dose.models import Study


class Command(BaseCommand):
    help = ("Recompute the size-specific dose estimates (SSDE) of CT events and the CT and NM effective dose "
            "estimates of stored studies from their stored values (see docs/ssde.md, docs/effective-dose.md).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--study", type=int, action="append", default=None,
                            help="only this study id (repeatable); default: every CT and NM study")

    def handle(self, *args: Any, **options: Any) -> None:
        studies = Study.objects.all()
        if options["study"]:
            studies = studies.filter(id__in=options["study"])
        count = refresh_ct_estimates(studies)
        nm_count = refresh_nm_estimates(studies)
        self.stdout.write(f"derived estimates recomputed for {count} CT studies and {nm_count} NM studies")
