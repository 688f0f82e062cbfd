"""Comparison of study doses with a DRL set, and automatic local DRLs (ICRP Publication 135).

For every examination of a set that is mapped to standard study names, CT studies whose
description, requested procedure or procedure maps to one of those names (``openrem.dose``
standard names), dated within the period, are grouped per system (UniqueEquipment). Per system:
the number of studies, the median and 75th percentile of the study DLP (``Study.total_dlp``,
mGy.cm), the DRL and the ratio median / DRL. Standard-size rule: when a weight range is given, only
studies with a recorded weight inside it qualify (e.g. 50-90 kg for adults); the number of
qualifying and of excluded studies is reported. Studies without a DLP are not counted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from openrem.dose.models import Study
from openrem.dose.standard_names import study_name_q
from openrem.dosecalc.drlstats import (
    DEFAULT_MIN_ROOMS,
    DEFAULT_MIN_STUDIES_PER_ROOM,
    LocalDrl,
    local_drl,
    median,
    percentile,
)
from openrem.drl.csvio import ParsedSet, ParsedValue
from openrem.drl.models import DrlSet


@dataclass
class SystemRow:
    system: str
    n_studies: int
    median_dlp: float
    p75_dlp: float
    drl: float
    ratio: float
    above_drl: list[int] = field(default_factory=list)


@dataclass
class ExamComparison:
    exam: str
    standard_names: list[str]
    drl_dlp_mgycm: float
    rows: list[SystemRow]
    excluded_by_weight: int
    local: LocalDrl | None = None


def _studies(names: list[str], date_from: datetime.date | None, date_to: datetime.date | None) -> Q:
    q = Q(modality_type="CT", total_dlp__isnull=False)
    names_q = Q()
    for name in names:
        names_q |= study_name_q("CT", name)
    q &= names_q
    if date_from:
        q &= Q(study_date__gte=date_from)
    if date_to:
        q &= Q(study_date__lte=date_to)
    return q


def compare_dlp(drl_set: DrlSet, *, date_from: datetime.date | None = None,
                date_to: datetime.date | None = None, weight_kg: tuple[float, float] | None = None,
                min_studies_per_room: int = DEFAULT_MIN_STUDIES_PER_ROOM,
                min_rooms: int = DEFAULT_MIN_ROOMS, seed: int = 0) -> list[ExamComparison]:
    """Per mapped examination of ``drl_set`` with a DLP DRL: per-system statistics and a local DRL."""
    out: list[ExamComparison] = []
    drls = {(v.exam): v.value for v in drl_set.values.filter(quantity="dlp")}
    mapped: dict[str, list[str]] = {}
    for m in drl_set.mappings.all():
        mapped.setdefault(m.exam, []).append(m.standard_name)
    for exam, names in sorted(mapped.items()):
        if exam not in drls:
            continue
        rows = Study.objects.filter(_studies(names, date_from, date_to)).values_list(
            "pk", "total_dlp", "patient_weight", "equipment__display_name")
        by_system: dict[str, list[tuple[int, float]]] = {}
        excluded = 0
        for pk, dlp, weight, system in rows:
            if dlp is None:
                continue
            if weight_kg and (weight is None or not weight_kg[0] <= weight <= weight_kg[1]):
                excluded += 1
                continue
            by_system.setdefault(system, []).append((pk, dlp))
        drl = drls[exam]
        table = []
        for system, studies in sorted(by_system.items()):
            doses = [d for _, d in studies]
            med = median(doses)
            table.append(SystemRow(system, len(doses), med, percentile(doses, 75), drl, med / drl,
                                   sorted(pk for pk, d in studies if d > drl)))
        local = local_drl({s: [d for _, d in v] for s, v in by_system.items()},
                          min_studies_per_room=min_studies_per_room, min_rooms=min_rooms, seed=seed)
        out.append(ExamComparison(exam, sorted(names), drl, table, excluded, local))
    return out


def local_drl_set(results: list[ExamComparison], *, name: str, version: str, source: str,
                  valid_from: datetime.date | None = None) -> ParsedSet:
    """The local DRLs of a comparison as a DRL set (DLP per study, adult), for storing or export;
    examinations without a local DRL value (too few data) are left out."""
    values = [ParsedValue(e.exam, "", "adult", "dlp", round(e.local.value, 1), "mGy.cm")
              for e in results if e.local is not None and e.local.value is not None]
    return ParsedSet(name=name, version=version, source=source, valid_from=valid_from, values=values)
