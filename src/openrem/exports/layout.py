"""Header and row layout shared by the CSV and XLSX writers (spec 5.1 / 5.2).

A layout is a list of columns, each with a header and a kind (number, text, identifier, date, time,
date-time, yes/no); ``study_values`` gives one study with its events laid out across (E1..En),
``event_values`` one row per acquisition. The patient identifier columns (name, ID, date of birth)
are present only in the patient-identifier variants.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any

from django.utils.translation import gettext as _

from openrem.exports.source import StudyRow
from openrem.modalities.export_columns import PATIENT_COLUMNS, TEXT, Col, ExportSpec, common_columns

PID_VARIANTS = ("name", "id", "both")


@dataclass(frozen=True)
class Layout:
    """Which columns an export has."""

    spec: ExportSpec
    pid: str = ""  # "", "name", "id" or "both"
    standard: dict[str, dict[str, str]] | None = None  # source value -> standard name (when enabled)
    n_events: int = 0
    slots: tuple[int, ...] = ()  # slots per child set of the spec

    # ------------------------------------------------------------------ columns

    @cached_property
    def _study_x(self) -> Extract:
        return Extract(tuple(self.study_cols()))

    @cached_property
    def _event_x(self) -> Extract:
        return Extract(self.spec.event_columns)

    @cached_property
    def _child_x(self) -> tuple[Extract, ...]:
        return tuple(Extract(child.columns) for child in self.spec.children)

    @cached_property
    def _event_width(self) -> int:
        return len(self.event_headers())

    def study_cols(self) -> list[Col]:
        out: list[Col] = []
        for col in common_columns(self.spec):
            if col.pid and not self.pid:
                continue
            out.append(col)
        name, patient_id = PATIENT_COLUMNS
        if self.pid in ("id", "both"):
            out.insert(0, patient_id)
        if self.pid in ("name", "both"):
            out.insert(0, name)
        return [*out, *self.spec.study_columns]

    def _study_headers(self) -> list[tuple[str, str]]:
        heads = [(c.header(), c.kind) for c in self.study_cols()]
        if self.standard is not None:
            heads.append((_("Standard study name"), TEXT))
        for index, child in enumerate(self.spec.children):
            if child.owner == "study":
                for n in range(1, self.slots[index] + 1):
                    heads += [(f"{child.label} {n} {c.header()}", c.kind) for c in child.columns]
        return heads

    def event_headers(self, prefix: str = "") -> list[tuple[str, str]]:
        heads = [(f"{prefix}{c.header()}", c.kind) for c in self.spec.event_columns]
        if self.standard is not None and self.spec.event_model != "Administration":
            heads.append((f"{prefix}{_('Standard acquisition name')}", TEXT))
        for index, child in enumerate(self.spec.children):
            if child.owner == "event":
                for n in range(1, self.slots[index] + 1):
                    heads += [(f"{prefix}{child.label} {n} {c.header()}", c.kind) for c in child.columns]
        return heads

    def study_headers(self) -> list[tuple[str, str]]:
        """Headers of one row per study, events across."""
        heads = self._study_headers()
        for n in range(1, self.n_events + 1):
            heads += self.event_headers(f"E{n} ")
        return heads

    def acquisition_headers(self) -> list[tuple[str, str]]:
        """Headers of one row per acquisition (MG CSV, XLSX protocol sheets)."""
        return [*self._study_headers(), *self.event_headers()]

    # ------------------------------------------------------------------ values

    def _study_part(self, row: StudyRow) -> list[Any]:
        values = self._study_x(row.values)
        if self.standard is not None:
            v = row.values
            names = [self.standard.get("study_description", {}).get(v.get("study_description") or ""),
                     self.standard.get("requested_procedure", {}).get(v.get("requested_procedure_code_meaning") or ""),
                     self.standard.get("procedure", {}).get(v.get("procedure_code_meaning") or "")]
            values.append(" | ".join(dict.fromkeys(n for n in names if n)) or None)
        for index, child in enumerate(self.spec.children):
            if child.owner == "study":
                values += _slots(self._child_x[index], row.children.get(index, []), self.slots[index])
        return values

    def event_part(self, row: StudyRow, event: dict[str, Any]) -> list[Any]:
        values = self._event_x(event)
        if self.standard is not None and self.spec.event_model != "Administration":
            protocol = event.get("acquisition_protocol") or ""
            values.append(self.standard.get("acquisition_protocol", {}).get(protocol))
        children = row.event_children.get(event["id"], {})
        for index, child in enumerate(self.spec.children):
            if child.owner == "event":
                values += _slots(self._child_x[index], children.get(index, []), self.slots[index])
        return values

    def study_values(self, row: StudyRow) -> list[Any]:
        values = self._study_part(row)
        width = self._event_width
        for n in range(self.n_events):
            values += self.event_part(row, row.events[n]) if n < len(row.events) else [None] * width
        return values

    def event_values(self, row: StudyRow) -> Iterator[tuple[dict[str, Any], list[Any]]]:
        """(event, values) for each acquisition of ``row``: the study part then the event part."""
        study = self._study_part(row)
        for event in row.events:
            yield event, [*study, *self.event_part(row, event)]


class Extract:
    """The values of some columns from a ``values()`` row: one C-level ``itemgetter`` for the plain columns,
    :meth:`Col.value` only for the derived or scaled ones (the export's inner loop)."""

    def __init__(self, cols: tuple[Col, ...]) -> None:
        self.width = len(cols)
        paths = [c.path for c in cols]
        getter = itemgetter(*paths) if paths else None
        self.get: Any = (lambda row: ()) if getter is None else (
            getter if len(paths) > 1 else (lambda row: (getter(row),)))
        self.fixes = [(i, c) for i, c in enumerate(cols) if c.fn is not None or c.scale != 1.0]

    def __call__(self, row: dict[str, Any]) -> list[Any]:
        values = list(self.get(row))
        for i, col in self.fixes:
            values[i] = col.value(row)
        return values


def _slots(extract: Extract, rows: list[dict[str, Any]], count: int) -> list[Any]:
    out: list[Any] = []
    for n in range(count):
        out += extract(rows[n]) if n < len(rows) else [None] * extract.width
    return out
