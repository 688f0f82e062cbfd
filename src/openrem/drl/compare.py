"""Comparison of doses with a DRL set, and automatic local DRLs (ICRP Publication 135).

For every examination of a set that is mapped to standard study names and has a DRL for the chosen
quantity, the studies of the set's modality whose description, requested procedure or procedure maps to
one of those names (``openrem.dose`` standard names), dated within the period, are grouped per system
(UniqueEquipment). The sample values per quantity (:data:`SAMPLES`):

- ``dlp``: study total DLP (``Study.total_dlp``), one value per CT study;
- ``ctdivol``: mean CTDIvol of each CT sequence (``CtEvent.mean_ctdivol``) of those studies, localisers
  (constant angle acquisitions, CID 10013 code 113805) left out: the UK NDRLs state CTDIvol per sequence;
- ``dap``: study total DAP (``Study.total_dap``), one value per DX/CR/RF study;
- ``agd``: average glandular dose of each mammography exposure (``ProjectionEvent.average_glandular_dose``).

Values are converted to the DRL's unit. Per system: the number of studies and of values, the median and
75th percentile of the values, the DRL and the ratio median / DRL. Standard-size rule: when a weight range
is given, only studies with a recorded weight inside it qualify (e.g. 50-90 kg for adults); the number of
excluded studies is reported.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from openrem.dicom import codes
from openrem.dose.models import CtEvent, ProjectionEvent, Study
from openrem.dose.standard_names import MODALITY_TYPES, study_name_q
from openrem.dosecalc.drlstats import (
    DEFAULT_MIN_ROOMS,
    DEFAULT_MIN_STUDIES_PER_ROOM,
    LocalDrl,
    local_drl,
    median,
    percentile,
)
from openrem.drl.csvio import ParsedSet, ParsedValue
from openrem.drl.lookup import exam_drls
from openrem.drl.models import DrlSet
from openrem.drl.units import convert

# quantity -> (level, stored unit, value path on Study or on the event row)
SAMPLES: dict[str, tuple[str, str, str]] = {
    "dlp": ("study", "mGy.cm", "total_dlp"),
    "ctdivol": ("event", "mGy", "mean_ctdivol"),
    "dap": ("study", "Gy.m2", "total_dap"),
    "agd": ("event", "mGy", "average_glandular_dose"),
}


@dataclass
class SystemRow:
    system: str
    n_studies: int
    n_values: int
    median: float
    p75: float
    drl: float
    ratio: float
    above_drl: list[int] = field(default_factory=list)


@dataclass
class ExamComparison:
    exam: str
    standard_names: list[str]
    quantity: str
    unit: str
    drl_value: float
    rows: list[SystemRow]
    excluded_by_weight: int
    local: LocalDrl | None = None
    per_event: bool = False


def quantities(drl_set: DrlSet) -> list[str]:
    """The quantities of a set that can be compared (in the order of :data:`SAMPLES`)."""
    present = set(drl_set.values.values_list("quantity", flat=True))
    return [q for q in SAMPLES if q in present]


def _study_q(modality: str, names: list[str], date_from: datetime.date | None,
             date_to: datetime.date | None, prefix: str = "") -> Q:
    names_q = Q()
    for name in names:
        names_q |= study_name_q(modality, name)
    study_ids = Study.objects.filter(names_q, modality_type__in=MODALITY_TYPES[modality])
    if date_from:
        study_ids = study_ids.filter(study_date__gte=date_from)
    if date_to:
        study_ids = study_ids.filter(study_date__lte=date_to)
    return Q(**{f"{prefix}pk__in": study_ids.values("pk")})


def samples(modality: str, quantity: str, names: list[str], date_from: datetime.date | None,
            date_to: datetime.date | None) -> list[tuple[int, float, float | None, str]]:
    """(study pk, value in the stored unit, patient weight kg, system) of the mapped studies."""
    level, _unit, path = SAMPLES[quantity]
    columns = ("pk", path, "patient_weight", "equipment__display_name")
    if level == "study":
        rows: Any = Study.objects.filter(_study_q(modality, names, date_from, date_to), **{f"{path}__isnull": False})
        return [(pk, float(v), w, s or "") for pk, v, w, s in rows.values_list(*columns)]
    model = CtEvent if quantity == "ctdivol" else ProjectionEvent
    events = model.objects.filter(_study_q(modality, names, date_from, date_to, "parent__parent__"),
                                  **{f"{path}__isnull": False})
    if quantity == "ctdivol":
        localiser = [f"{v}|{s}" for v, s in codes.CONSTANT_ANGLE_ACQUISITION.keys]
        events = events.exclude(ct_acquisition_type_code__in=localiser)
    study = "parent__parent__"
    return [(pk, float(v), w, s or "") for pk, v, w, s in events.values_list(
        f"{study}pk", path, f"{study}patient_weight", f"{study}equipment__display_name")]


def compare(drl_set: DrlSet, quantity: str = "dlp", *, date_from: datetime.date | None = None,
            date_to: datetime.date | None = None, weight_kg: tuple[float, float] | None = None,
            min_studies_per_room: int = DEFAULT_MIN_STUDIES_PER_ROOM,
            min_rooms: int = DEFAULT_MIN_ROOMS, seed: int = 0) -> list[ExamComparison]:
    """Per mapped examination of ``drl_set`` with a DRL for ``quantity``: per-system statistics and a
    local DRL (per-event quantities count values, the minimum applies to the number of values)."""
    if quantity not in SAMPLES or drl_set.modality not in MODALITY_TYPES:
        return []
    stored_unit = SAMPLES[quantity][1]
    drls = exam_drls(drl_set, quantity)
    mapped: dict[str, list[str]] = {}
    for m in drl_set.mappings.all():
        mapped.setdefault(m.exam, []).append(m.standard_name)
    out: list[ExamComparison] = []
    for exam, names in sorted(mapped.items()):
        if exam not in drls:
            continue
        drl = drls[exam]
        scale = convert(1.0, stored_unit, drl.unit)
        by_system: dict[str, list[tuple[int, float]]] = {}
        excluded: set[int] = set()
        for pk, value, weight, system in samples(drl_set.modality, quantity, names, date_from, date_to):
            if weight_kg and (weight is None or not weight_kg[0] <= weight <= weight_kg[1]):
                excluded.add(pk)
                continue
            by_system.setdefault(system, []).append((pk, value * scale))
        table = []
        for system, values in sorted(by_system.items()):
            doses = [d for _, d in values]
            med = median(doses)
            table.append(SystemRow(system, len({pk for pk, _ in values}), len(doses), med, percentile(doses, 75),
                                   drl.value, med / drl.value, sorted({pk for pk, d in values if d > drl.value})))
        local = local_drl({s: [d for _, d in v] for s, v in by_system.items()},
                          min_studies_per_room=min_studies_per_room, min_rooms=min_rooms, seed=seed)
        out.append(ExamComparison(exam, sorted(names), quantity, drl.unit, drl.value, table, len(excluded), local,
                                  SAMPLES[quantity][0] == "event"))
    return out


def compare_dlp(drl_set: DrlSet, **kwargs: Any) -> list[ExamComparison]:
    """:func:`compare` for the study DLP."""
    return compare(drl_set, "dlp", **kwargs)


def local_drl_set(results: list[ExamComparison], *, name: str, version: str, source: str,
                  valid_from: datetime.date | None = None, modality: str = "CT",
                  patient_group: str = "adult") -> ParsedSet:
    """The local DRLs of a comparison as a DRL set, for storing or export; examinations without a local
    DRL value (too few data) are left out. Values are rounded to 4 significant figures."""
    values = [ParsedValue(e.exam, "", patient_group, e.quantity, float(f"{e.local.value:.4g}"), e.unit)
              for e in results if e.local is not None and e.local.value is not None]
    return ParsedSet(name=name, version=version, source=source, valid_from=valid_from, modality=modality,
                     values=values)
