"""Which DRL applies to a standard study name: the set chosen (or the newest one with values for a
quantity), its examinations mapped to standard study names, and the DRL line of a chart.

An examination's DRL for a quantity is its value for the patient group ``adult`` (any group when the
set has no adult value); when an examination has several values left (several clinical indications)
or a standard name is mapped to examinations with different values, no DRL is given for that name,
since choosing one would be a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F

from openrem.drl.models import DrlSet
from openrem.drl.units import convert


@dataclass(frozen=True)
class ExamDrl:
    """The DRL of one examination for one quantity, in the unit of the set file."""

    exam: str
    value: float
    unit: str


def newest_set(modality: str, quantity: str) -> DrlSet | None:
    """The newest set (valid-from date, then creation) of ``modality`` with values for ``quantity``."""
    return (DrlSet.objects.filter(modality=modality.upper(), values__quantity=quantity).distinct()
            .order_by(F("valid_from").desc(nulls_last=True), "-created", "-pk").first())


def chosen_set(choice: str, modality: str, quantity: str) -> DrlSet | None:
    """``choice`` is ``"auto"`` (newest set with the quantity), ``"none"`` or a set's primary key."""
    if choice == "none":
        return None
    if choice.isdigit():
        return DrlSet.objects.filter(pk=int(choice), modality=modality.upper()).first()
    return newest_set(modality, quantity)


def exam_drls(drl_set: DrlSet, quantity: str) -> dict[str, ExamDrl]:
    """Examination -> its DRL for ``quantity`` (adult patient group preferred; ambiguous ones left out)."""
    grouped: dict[str, list[Any]] = {}
    for v in drl_set.values.filter(quantity=quantity):
        grouped.setdefault(v.exam, []).append(v)
    out: dict[str, ExamDrl] = {}
    for exam, values in grouped.items():
        adult = [v for v in values if v.patient_group.casefold() == "adult"] or values
        if len({(v.value, v.unit) for v in adult}) == 1:
            out[exam] = ExamDrl(exam, adult[0].value, adult[0].unit)
    return out


def drls_by_standard_name(drl_set: DrlSet, quantity: str) -> dict[str, ExamDrl]:
    """Standard study name (case-folded, trimmed) -> DRL of the examination mapped to it."""
    per_exam = exam_drls(drl_set, quantity)
    found: dict[str, list[ExamDrl]] = {}
    for mapping in drl_set.mappings.all():
        if mapping.exam in per_exam:
            found.setdefault(mapping.standard_name.strip().casefold(), []).append(per_exam[mapping.exam])
    return {name: drls[0] for name, drls in found.items()
            if len({(d.value, d.unit) for d in drls}) == 1}


def set_json(drl_set: DrlSet) -> dict[str, Any]:
    return {"id": drl_set.pk, "name": drl_set.name, "version": drl_set.version, "label": str(drl_set),
            "source": drl_set.source, "valid_from": drl_set.valid_from.isoformat() if drl_set.valid_from else None}


def _source_names(modality: str, field: str, categories: list[str]) -> dict[str, set[str]]:
    """Category (case-folded) -> standard names its study description / requested procedure maps to."""
    from openrem.dose.models import StandardName

    wanted = {c.strip().casefold() for c in categories}
    out: dict[str, set[str]] = {}
    rows = StandardName.objects.filter(modality=modality.upper(), **{f"{field}__isnull": False})
    for value, name in rows.values_list(field, "standard_name"):
        key = str(value).strip().casefold()
        if key in wanted:
            out.setdefault(key, set()).add(name.strip().casefold())
    return out


SOURCE_FIELDS = {"study_description": "study_description",
                 "requested_procedure_code_meaning": "requested_procedure"}


def chart_drl_lines(modality: str, grouping_standard: str, grouping_path: str, quantity: str, unit: str,
                    categories: list[str], choice: str) -> dict[str, Any] | None:
    """The DRL per category of a chart, in the chart's stored ``unit``; None when no set applies.

    Categories are standard study names (``grouping_standard == "study"``) or study descriptions /
    requested procedures that the standard name mapping links to a standard study name."""
    if modality.upper() not in ("CT", "DX", "RF", "MG"):
        return None
    drl_set = chosen_set(choice, modality, quantity)
    if drl_set is None:
        return None
    by_name = drls_by_standard_name(drl_set, quantity)
    if grouping_standard == "study":
        names = {c.strip().casefold(): {c.strip().casefold()} for c in categories}
    elif grouping_path in SOURCE_FIELDS:
        names = _source_names(modality, SOURCE_FIELDS[grouping_path], categories)
    else:
        return None
    values = []
    for category in categories:
        drls = {by_name[n] for n in names.get(category.strip().casefold(), set()) if n in by_name}
        if len({(d.value, d.unit) for d in drls}) != 1:
            continue
        drl = drls.pop()
        try:
            value = convert(drl.value, drl.unit, unit)
        except ValueError:
            continue
        values.append({"category": category, "exam": drl.exam, "value": value})
    return {"set": set_json(drl_set), "quantity": quantity, "unit": unit, "values": values}
