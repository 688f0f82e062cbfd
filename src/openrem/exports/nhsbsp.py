"""NHSBSP dose audit CSV for the NCCPM database (spec 5.2 "MG NHSBSP CSV").

One row per included exposure: survey number (always 1), patient number (1, 2, ... per study),
NCCPM view code (laterality letter + view abbreviation; a repeated view of a study is numbered:
LCC, LCC2, ...), kV, anode, filter, breast thickness (mm), mAs, AUTO/MANUAL, auto mode, age.
Excluded: exposures whose protocol names a non-screening acquisition (scout, post-clip, pre-fire,
biopsy, post-fire, stereo, specimen, artefact), and exposures without a known view (CID 4014),
laterality, target or filter material.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from django.db.models import QuerySet

from openrem.dicom import codes
from openrem.dose.models import Study
from openrem.exports.cells import CsvOut, open_csv
from openrem.exports.source import iter_studies
from openrem.exports.survey_codes import ANODES, FILTERS, MAMMO_VIEWS, is_code, json_code, lookup
from openrem.modalities.export_columns import ExportSpec, mean_nonzero, total_mas

HEADER = ("Survey number", "Patient number", "View code", "kV", "Anode", "Filter", "Thickness", "mAs",
          "auto/man", "Auto mode", "Age")
EXCLUDED_PROTOCOL = re.compile(r"scout|post.?clip|pre.?fire|biopsy|post.?fire|stereo|specimen|artefact|artifact",
                               re.IGNORECASE)
EXTRA = ("image_view_code", "laterality_code", "anode_target_material_code", "filters", "kvp", "exposure_uAs",
         "compression_thickness", "exposure_control_mode")


def view_code(event: dict[str, Any]) -> str | None:
    """Laterality letter + NCCPM view, ``None`` when the view or laterality is not known."""
    view = lookup(event.get("image_view_code"), MAMMO_VIEWS)
    side = "L" if is_code(event.get("laterality_code"), codes.LEFT) else (
        "R" if is_code(event.get("laterality_code"), codes.RIGHT) else None)
    return f"{side}{view}" if view and side else None


def filter_code(filters: Any) -> str | None:
    """The (first) filter material abbreviation."""
    for item in filters or []:
        value, scheme = json_code(item.get("material") if isinstance(item, dict) else None)
        abbr = lookup(f"{value}|{scheme}", FILTERS)
        if abbr:
            return abbr
    return None


def exposure_row(event: dict[str, Any]) -> list[Any] | None:
    """The fields of one exposure after the view code, ``None`` when it is excluded."""
    if EXCLUDED_PROTOCOL.search(event.get("acquisition_protocol") or ""):
        return None
    anode = lookup(event.get("anode_target_material_code"), ANODES)
    filt = filter_code(event.get("filters"))
    if not anode or not filt:
        return None
    mode = event.get("exposure_control_mode") or ""
    manual = "manual" in mode.lower()
    return [mean_nonzero(event.get("kvp")), anode, filt, event.get("compression_thickness"),
            total_mas(event.get("exposure_uAs")), "MANUAL" if manual else "AUTO", mode or None]


def write_nhsbsp(spec: ExportSpec, qs: QuerySet[Study], path: str, *, pid: str = "", bom: bool = False,
                 progress: Any = None) -> int:
    """Write the NHSBSP CSV; returns the number of studies read (studies with no included exposure are
    not given a patient number)."""
    done = patient = 0
    with open_csv(path, bom) as stream:
        out = CsvOut(stream)
        out.row(HEADER)
        for row in iter_studies(spec, qs, extra_event_paths=EXTRA):
            rows = []
            seen: Counter[str] = Counter()
            for event in row.events:
                code = view_code(event)
                fields = exposure_row(event) if code else None
                if code is None or fields is None:
                    continue
                seen[code] += 1
                rows.append([f"{code}{seen[code]}" if seen[code] > 1 else code, *fields])
            if rows:
                patient += 1
                age = row.values.get("patient_age_decimal")
                for r in rows:
                    out.row([1, patient, *r, int(age) if age is not None else None])
            done += 1
            if progress and done % 1000 == 0:
                progress(done)
    return done
