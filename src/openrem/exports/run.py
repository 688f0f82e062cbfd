"""Running an export: the list filter -> studies -> the chosen format, with progress and abort.

Used by the background task (web) and by ``openrem export`` (command line). The filter is the
study list's query string (same names, same meaning, same permission checks: patient name and ID
filters need pidgroup), so an export holds exactly the studies the list shows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.utils import timezone

from openrem.exports import tabular
from openrem.modalities.export_columns import EXPORT_SPECS
from openrem.modalities.registry import MODALITIES
from openrem.web.access import PID, in_group
from openrem.web.filtering import filtered_studies

# Query-string keys that only steer the list page, not which studies are exported.
NOT_FILTERS = ("page", "per_page", "csrfmiddlewaretoken", "pid", "bom")

FORMATS: dict[str, tuple[str, ...]] = {
    "ct": ("csv", "xlsx", "phe2019"),
    "dx": ("csv", "xlsx", "phe2019", "phe2019exam"),
    "rf": ("csv", "xlsx", "phe2019", "openskin"),
    "mg": ("csv", "xlsx", "nhsbsp"),
    "nm": ("csv", "xlsx"),
}
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "phe2019": "xlsx", "phe2019exam": "xlsx", "nhsbsp": "csv",
              "openskin": "csv"}
PID_FORMATS = ("csv", "xlsx")  # the patient identifier variants exist for the CSV and XLSX exports

Progress = Callable[[int, int], None]  # (studies written, studies in the filter)


class ExportError(Exception):
    """The export cannot be made (bad filter, no matching study, unknown format); the message says why."""


class Aborted(Exception):
    """The user aborted the export."""


class CommandUser:
    """The command line user: every filter is allowed (the operator has the database)."""

    is_authenticated = True
    is_superuser = True
    pk = None


def clean_filters(data: Mapping[str, Any]) -> dict[str, str]:
    """The filter part of a query string (paging keys and empty values removed)."""
    items = data.items() if not hasattr(data, "lists") else ((k, v[-1]) for k, v in data.lists())
    return {k: str(v) for k, v in items if k not in NOT_FILTERS and v not in (None, "")}


def _writer(fmt: str) -> Callable[..., int]:
    if fmt == "csv":
        return tabular.write_csv
    if fmt == "xlsx":
        return tabular.write_xlsx
    from openrem.exports import surveys

    return surveys.WRITERS[fmt]


def run_export(modality: str, fmt: str, filters: Mapping[str, Any], user: Any, path: str, *, pid: str = "",
               bom: bool = False, progress: Progress | None = None) -> int:
    """Export the studies of ``modality`` matching ``filters`` (as ``user`` may see them) to ``path``.

    Returns the number of studies exported. Raises :class:`ExportError` for an invalid filter, a
    format the modality has not, or a filter matching no study.
    """
    if modality not in FORMATS or fmt not in FORMATS[modality]:
        raise ExportError(f"no {fmt} export for modality {modality}")
    if pid and (pid not in ("name", "id", "both") or fmt not in PID_FORMATS):
        raise ExportError(f"no patient identifier variant {pid!r} for {fmt} exports")
    if pid and not in_group(user, PID):
        raise ExportError("patient identifier exports need the pidgroup")
    qs, form = filtered_studies(MODALITIES[modality], user, dict(filters))
    if not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
        raise ExportError(f"invalid filter: {errors}")
    if filters.get("study"):  # one study by its pk (the openSkin export of a study's page)
        try:
            qs = qs.filter(pk=int(str(filters["study"])))
        except ValueError as exc:
            raise ExportError("invalid filter: study must be a study number") from exc
    total = qs.count()
    if total == 0:
        raise ExportError("No studies match the filter: nothing was exported.")
    spec = EXPORT_SPECS[modality]
    step: tabular.Progress | None = (lambda done: progress(done, total)) if progress else None
    kwargs: dict[str, Any] = {"pid": pid, "progress": step}
    if fmt in ("csv", "nhsbsp", "openskin"):
        kwargs["bom"] = bom
    if fmt == "openskin" and total != 1:
        raise ExportError(f"the openSkin export is made for one study; the filter matches {total}")
    return _writer(fmt)(spec, qs, path, **kwargs)


def export_path(modality: str, fmt: str, pk: int, pid: str = "") -> tuple[str, str]:
    """(absolute path, path relative to MEDIA_ROOT) of a new export file: exports/YYYY/MM/DD/."""
    now = timezone.localtime()
    folder = os.path.join("exports", now.strftime("%Y"), now.strftime("%m"), now.strftime("%d"))
    name = f"{modality}_{fmt}{'_pid' + pid if pid else ''}_{now.strftime('%Y%m%d-%H%M%S')}_{pk}.{EXTENSIONS[fmt]}"
    absolute = os.path.join(settings.MEDIA_ROOT, folder, name)
    os.makedirs(os.path.dirname(absolute), exist_ok=True)
    return absolute, f"{folder}/{name}"
