"""Old OpenREM rows -> the parsing layer's records (:mod:`openrem.dicom.records`).

The record field names are the older system's column names (docs/adr/0001), so most fields map by
name; ``RENAMED`` lists the exceptions. A coded field ``x`` is the old column ``x_id``, a foreign key
to ``remapp_contextid`` (code value and meaning; the older system kept no coding scheme, which is
inferred from this product's code tables, else from the value's form: see :func:`coded`).
Values are taken as stored: the older database kept the same units as the records (Gy.m2 for DAP,
Gy for dose at RP, mGy, mGy.cm, s, ms, mm, MBq...).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from functools import cache
from typing import Any

from openrem.dicom import codes
from openrem.dicom import records as r
from openrem.takeover.source import OldDatabase, Row, as_date, as_datetime, as_time

RENAMED: dict[type, dict[str, str]] = {
    r.ProjectionEvent: {"reference_point_definition": "reference_point_definition_text",
                        "projection_eponymous_name": "projection_eponymous_name_cid"},
    r.XraySource: {"dose_rp_reference_point_definition": "reference_point_definition"},
    r.XrayFilter: {"type": "xray_filter_type", "material": "xray_filter_material",
                   "thickness_min": "xray_filter_thickness_minimum", "thickness_max": "xray_filter_thickness_maximum"},
}


@cache
def _schemes() -> dict[str, str]:
    """Code value -> coding scheme, from every concept this product knows."""
    known: dict[str, str] = {}
    for concept in vars(codes).values():
        if isinstance(concept, codes.Concept):
            for value, scheme in concept.keys:
                known.setdefault(value, scheme)
    return known


def scheme_for(value: str) -> str:
    """The coding scheme of an old code value (the older database did not keep it)."""
    if value in _schemes():
        return _schemes()[value]
    if re.fullmatch(r"1\d{5}", value):
        return "DCM"  # PS3.16 Annex D codes are six digits starting with 1
    if re.fullmatch(r"[A-Z][A-Z0-9]?-[0-9A-Z]{3,5}", value):
        return "SRT"  # SNOMED RT style (T-D4000, R-10206, P5-08000)
    if re.fullmatch(r"\d{6,18}", value):
        return "SCT"
    return "99OLDOPENREM"  # unknown: kept with this private scheme so nothing is guessed silently


def coded(db: OldDatabase, context_id: Any) -> r.Coded | None:
    row = db.code(context_id)
    if row is None:
        return None
    value = str(row.get("code_value") or "")
    return r.Coded(value=value, scheme=scheme_for(value), meaning=str(row.get("code_meaning") or ""))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _kind_of(hint: Any) -> str:
    args = typing.get_args(hint)
    base = args[0] if typing.get_origin(hint) is typing.Annotated else hint
    text = str(base)
    if "Coded" in text and "tuple" not in text:
        return "coded"
    if "tuple" in text or "records." in text or any(dataclasses.is_dataclass(a) for a in typing.get_args(base)):
        return "nested"
    if "datetime.datetime" in text:
        return "datetime"
    if "datetime.date" in text:
        return "date"
    if "datetime.time" in text:
        return "time"
    if "bool" in text:
        return "bool"
    return "plain"


T = typing.TypeVar("T")


def fill(cls: type[T], row: Row, db: OldDatabase, **nested: Any) -> T:
    """An instance of record ``cls`` from ``row``; ``nested`` gives the child records."""
    renamed = RENAMED.get(cls, {})
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in nested:
            values[f.name] = nested[f.name]
            continue
        column = renamed.get(f.name, f.name)
        kind = _kind_of(_hints(cls)[f.name])  # type: ignore[arg-type]
        if kind == "coded":
            values[f.name] = coded(db, row.get(f"{column}_id"))
        elif kind == "nested":
            continue
        elif kind == "datetime":
            values[f.name] = as_datetime(row.get(column))
        elif kind == "date":
            values[f.name] = as_date(row.get(column))
        elif kind == "time":
            values[f.name] = as_time(row.get(column))
        elif kind == "bool":
            raw = row.get(column)
            values[f.name] = None if raw is None else bool(raw)
        elif column in row:
            values[f.name] = row[column]
    return cls(**values)
