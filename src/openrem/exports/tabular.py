"""CSV and XLSX exports of every modality (spec 5.1 / 5.2), driven by the export column sets.

CSV: one row per study with the events across (CT, DX, NM), one row per exposure (MG), or study
level only (RF). XLSX: a Summary sheet (title, totals and frequency tables), an All data sheet (one
row per study) and one sheet per acquisition protocol (NM: per study description) with one row per
acquisition, plus one sheet per standard acquisition name when standard names are enabled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from importlib import metadata

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from openrem.dose.models import Study
from openrem.exports import rf_groups
from openrem.exports.cells import CsvOut, XlsxBook, XlsxSheet, open_csv, text_columns
from openrem.exports.layout import Layout
from openrem.exports.source import iter_studies, max_children, max_events, standard_names
from openrem.modalities.export_columns import ExportSpec

Progress = Callable[[int], None]  # called with the number of studies written so far
MAX_PROTOCOL_SHEETS = 250  # further protocols share one sheet (each open sheet holds a temporary file)


def make_layout(spec: ExportSpec, qs: QuerySet[Study], pid: str, events_across: bool) -> Layout:
    """The layout for ``qs``: event columns sized to its largest study, child slots to its largest."""
    slots = tuple(max_children(spec, i, qs) for i in range(len(spec.children)))
    return Layout(spec=spec, pid=pid, standard=standard_names(spec), slots=slots,
                  n_events=max_events(spec, qs) if events_across else 0)


def write_csv(spec: ExportSpec, qs: QuerySet[Study], path: str, *, pid: str = "", bom: bool = False,
              progress: Progress | None = None) -> int:
    """Write the CSV export of ``qs`` to ``path``; returns the number of studies written."""
    layout = make_layout(spec, qs, pid, events_across=spec.csv_layout == "events_across")
    done = 0
    with open_csv(path, bom) as stream:
        out = CsvOut(stream)
        headers = layout.acquisition_headers() if spec.csv_layout == "event_rows" else layout.study_headers()
        out.row(h for h, _kind in headers)
        convs = text_columns(kind for _h, kind in headers)
        for row in iter_studies(spec, qs):
            if spec.csv_layout == "event_rows":
                for _event, values in layout.event_values(row):
                    out.typed_row(values, convs)
            else:
                out.typed_row(layout.study_values(row), convs)
            done += 1
            if progress and done % 1000 == 0:
                progress(done)
    return done


class _ProtocolSheets:
    """Sheets keyed by protocol (or study description), created on first use."""

    def __init__(self, book: XlsxBook, headers: list[str], prefix: str = "") -> None:
        self.book, self.headers, self.prefix = book, headers, prefix
        self.sheets: dict[str, XlsxSheet] = {}

    def get(self, name: str) -> XlsxSheet:
        key = name if len(self.sheets) < MAX_PROTOCOL_SHEETS or name in self.sheets else _("Other protocols")
        sheet = self.sheets.get(key)
        if sheet is None:
            sheet = self.book.sheet(f"{self.prefix}{key}")
            sheet.row(self.headers)
            self.sheets[key] = sheet
        return sheet


def write_xlsx(spec: ExportSpec, qs: QuerySet[Study], path: str, *, pid: str = "",
               progress: Progress | None = None) -> int:
    """Write the XLSX export of ``qs`` to ``path`` (write-only workbook); returns the number of studies."""
    events_across = spec.csv_layout != "study_only"
    layout = make_layout(spec, qs, pid, events_across=events_across)
    book = XlsxBook()
    summary = book.sheet(_("Summary"))
    all_data = book.sheet(_("All data"))
    n_groups = rf_groups.max_groups(spec, qs) if spec.event_groups else 0
    all_data.row([*(h for h, _kind in layout.study_headers()),
                  *(h for h, _kind in rf_groups.headers(n_groups, layout.standard is not None))])
    acq_headers = [h for h, _kind in layout.acquisition_headers()]
    by_protocol = _ProtocolSheets(book, acq_headers)
    by_standard = _ProtocolSheets(book, acq_headers, prefix="[standard] ")
    counts: dict[str, Counter[str]] = {k: Counter() for k in ("description", "requested", "protocol", "standard")}
    done = 0
    extra = rf_groups.EXTRA_PATHS if spec.event_groups else ()
    for row in iter_studies(spec, qs, extra_event_paths=extra):
        groups = rf_groups.row_values(row.events, n_groups, layout.standard) if n_groups else []
        all_data.row([*layout.study_values(row), *groups])
        v = row.values
        counts["description"][v.get("study_description") or ""] += 1
        counts["requested"][v.get("requested_procedure_code_meaning") or ""] += 1
        for event, values in layout.event_values(row):
            name = (v.get("study_description") if spec.sheet_by == "study_description"
                    else event.get("acquisition_protocol")) or _("blank")
            by_protocol.get(name).row(values)
            counts["protocol"][name] += 1
            standard = (layout.standard or {}).get("acquisition_protocol", {}).get(
                event.get("acquisition_protocol") or "")
            if standard:
                by_standard.get(standard).row(values)
                counts["standard"][standard] += 1
        done += 1
        if progress and done % 500 == 0:
            progress(done)
    _summary(summary, spec, done, counts, layout.standard is not None)
    book.save(path)
    return done


def _summary(sheet: XlsxSheet, spec: ExportSpec, total: int, counts: dict[str, Counter[str]],
             standard: bool) -> None:
    sheet.row([_("OpenREM version {version}, exported {when}").format(
        version=_version(), when=timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"))])
    sheet.row([_("Total number of exams"), total])
    tables = [("description", _("Study description")), ("requested", _("Requested procedure")),
              ("protocol", _("Study description") if spec.sheet_by == "study_description"
               else _("Acquisition protocol"))]
    if standard:
        tables.append(("standard", _("Standard acquisition name")))
    for key, title in tables:
        sheet.row([])
        sheet.row([title, _("Frequency")])
        for name, n in counts[key].most_common():
            sheet.row([name, n])


def _version() -> str:
    try:
        return metadata.version("openrem")
    except metadata.PackageNotFoundError:
        return "2"
