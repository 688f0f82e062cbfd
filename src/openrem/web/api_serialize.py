"""JSON forms of the registry, of study list rows and of study details, for :mod:`openrem.web.api`.

Numbers are given in the units they are stored in; the unit is part of the key name of summary
values (``total_dap_gym2``, ``total_dlp_mgycm``) and, for the dose trees, in a ``units`` object
built from the record types (:func:`openrem.dicom.units.unit_of`), so nothing here lists units by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import typing
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from openrem.dicom.units import unit_of
from openrem.dose import treeio
from openrem.dose.models import Study
from openrem.dose.models.generated import plan
from openrem.dose.reference import EQUIPMENT_KEYS, STUDY_KEYS, SUMMARY_KEYS
from openrem.modalities.base import Filter, Modality

# Study fields every list row has under its own name (not unit-suffixed).
ROW_BASE_FIELDS = ("study_datetime", "study_description", "accession_number", "equipment__display_name")
PATIENT_FIELDS = ("patient_sex", "patient_age", "patient_age_decimal", "patient_size", "patient_weight",
                  "not_patient_indicator")
PID_FIELDS = ("patient_name", "patient_name_hashed", "patient_id", "patient_id_hashed", "patient_birth_date")
DETAIL_SUMMARY_FIELDS = (*SUMMARY_KEYS, "total_administered_activity")
UNIT_SUFFIX_SPECIAL = {"a": "years", "1": "", "{count}": ""}


@dataclass(frozen=True)
class SummaryField:
    """A numeric Study column exposed with its unit in the key (``total_dlp`` -> ``total_dlp_mgycm``)."""

    key: str
    field: str
    unit: str
    type: str  # "number" | "integer"


def plain(value: Any) -> Any:
    """ISO text for dates and times (aware datetimes in local time with offset); other values unchanged."""
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def text(label: Any) -> str:
    """A (lazy) label as text in the active language."""
    return str(label)


def study_unit(field_name: str) -> str:
    """The unit of a Study column, from its ``unit: ...`` column comment ("" when it has none)."""
    comment = Study._meta.get_field(field_name).db_comment or ""  # type: ignore[union-attr]
    return comment.removeprefix("unit: ") if comment.startswith("unit: ") else ""


def unit_suffix(unit: str) -> str:
    """Key suffix for a unit: ``mGy.cm`` -> ``mgycm``, ``Gy.m2`` -> ``gym2``, ``a`` -> ``years``."""
    if unit in UNIT_SUFFIX_SPECIAL:
        return UNIT_SUFFIX_SPECIAL[unit]
    return re.sub(r"[^a-z0-9]", "", unit.lower())


def summary_field(field_name: str) -> SummaryField:
    """The :class:`SummaryField` of one numeric Study column."""
    unit = study_unit(field_name)
    suffix = unit_suffix(unit)
    kind = "integer" if isinstance(Study._meta.get_field(field_name), models.IntegerField) else "number"
    return SummaryField(f"{field_name}_{suffix}" if suffix else field_name, field_name, unit, kind)


def list_summary_fields(modality: Modality) -> list[SummaryField]:
    """The numeric columns of the modality's list (its registry columns that are Study fields)."""
    names = [c.path for c in modality.columns if c.path not in ROW_BASE_FIELDS and "__" not in c.path]
    if "number_of_events" not in names:
        names.insert(0, "number_of_events")
    return [summary_field(n) for n in names]


def column_api_keys(modality: Modality) -> dict[str, str]:
    """Registry column key -> key of the same value in a list row."""
    by_field = {f.field: f.key for f in list_summary_fields(modality)}
    base = {"study_datetime": "study_datetime", "study_description": "description",
            "accession_number": "accession_number", "equipment__display_name": "display_name"}
    return {c.key: base.get(c.path) or by_field.get(c.path, c.path) for c in modality.columns}


# ----------------------------------------------------------------------------- registry


def filter_json(spec: Filter) -> dict[str, Any]:
    """One filter declaration."""
    out: dict[str, Any] = {"name": spec.name, "label": text(spec.label), "kind": spec.kind,
                           "unit": spec.display_unit()}
    if spec.choices:
        out["choices"] = [{"value": v, "label": text(label)} for v, label in spec.choices]
    if spec.group:
        out["group"] = spec.group
    return out


def modality_json(modality: Modality, filters: list[Filter]) -> dict[str, Any]:
    """One modality of the registry, with the filters the user may use."""
    api_keys = column_api_keys(modality)
    units = {f.key: f.unit for f in list_summary_fields(modality)}
    columns = [{"key": c.key, "label": text(c.label), "unit": c.display_unit(), "field": api_keys[c.key],
                "field_unit": units.get(api_keys[c.key], ""), "sortable": bool(c.order_by)}
               for c in modality.columns]
    return {"slug": modality.slug, "label": text(modality.label), "modality_types": list(modality.modality_types),
            "filters": [filter_json(f) for f in filters], "columns": columns,
            "orderings": [o for k in modality.orderings() for o in (k, f"-{k}")]}


# ----------------------------------------------------------------------------- studies


def _pid(study: Study) -> dict[str, Any]:
    return {k: plain(getattr(study, k)) for k in PID_FIELDS}


def study_row(study: Study, fields: list[SummaryField], show_pid: bool) -> dict[str, Any]:
    """One row of the study list."""
    row: dict[str, Any] = {
        "pk": study.pk, "study_instance_uid": study.study_instance_uid, "modality_type": study.modality_type,
        "study_datetime": plain(study.study_datetime), "study_date": plain(study.study_date),
        "description": study.study_description, "display_name": study.equipment.display_name,
        "accession_number": study.accession_number, "accession_hashed": study.accession_hashed,
    }
    row.update({f.key: getattr(study, f.field) for f in fields})
    row["not_patient_indicator"] = study.not_patient_indicator
    if show_pid:
        row.update(_pid(study))
    return row


def study_detail(study: Study, show_pid: bool, related: list[dict[str, Any]]) -> dict[str, Any]:
    """Everything stored for one study, with the dose trees and their units."""
    info = {k: plain(getattr(study, k)) for k in STUDY_KEYS}
    info.update(pk=study.pk, study_datetime=plain(study.study_datetime), comment=study.comment,
                warnings=study.warnings, vendor_fixes=study.vendor_fixes, related=related)
    patient = {k: plain(getattr(study, k)) for k in PATIENT_FIELDS}
    if show_pid:
        patient.update(_pid(study))
    equipment = {"pk": study.equipment.pk, **{k: getattr(study.equipment, k) for k in EQUIPMENT_KEYS}}
    summary_fields = [summary_field(n) for n in DETAIL_SUMMARY_FIELDS]
    out: dict[str, Any] = {"study": info, "patient": patient, "equipment": equipment,
                           "summary": {f.key: getattr(study, f.field) for f in summary_fields}}
    out.update(treeio.study_trees_plain(study))
    out["units"] = detail_units()
    return out


# ----------------------------------------------------------------------------- units


def _dataclass_of(hint: Any) -> type | None:
    """The record type of a field hint (``X``, ``X | None``, ``tuple[X, ...]``), if it is one."""
    for candidate in (hint, *typing.get_args(hint)):
        if isinstance(candidate, type) and dataclasses.is_dataclass(candidate):
            return candidate
    return None


@functools.cache
def record_units(record_type: type) -> dict[str, Any]:
    """Field name -> unit for the numeric fields of ``record_type``; nested records give nested objects.

    The shape follows :func:`openrem.dose.treeio.row_to_plain`: a list of records is described by
    the units of one item. Fields without a unit are left out; records without any unit too.
    """
    out: dict[str, Any] = {}
    for fp in plan(record_type):
        if fp.kind == "scalar":
            unit = unit_of(record_type, fp.name)
            if unit:
                out[fp.name] = unit
            continue
        nested = _dataclass_of(fp.base)
        if nested is not None:
            sub = record_units(nested)
            if sub:
                out[fp.name] = sub
    return out


@functools.cache
def detail_units() -> dict[str, Any]:
    """The ``units`` object of a study detail: patient values and every dose tree."""
    units: dict[str, Any] = {"patient": {k: study_unit(k) for k in PATIENT_FIELDS
                                         if isinstance(Study._meta.get_field(k), models.FloatField)}}
    for name, record_type in treeio.TOP_LEVEL:
        units[name] = record_units(record_type)
    return units
