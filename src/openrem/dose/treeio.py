"""Write dose-tree records into their tables and read them back (records or plain JSON).

Driven entirely by :func:`openrem.dose.models.generated.plan`, so the three directions (record to
rows, rows to record, rows to JSON) cannot drift apart. Rows are inserted level by level with
``bulk_create``: one INSERT per table and report, whatever the number of events.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.utils import timezone

from openrem.dicom import records as r
from openrem.dose.derived import record_event_columns
from openrem.dose.models.generated import NODE_BY_RECORD, FieldPlan, plan
from openrem.dose.models.tree import MODEL_BY_NAME

TOP_LEVEL: tuple[tuple[str, type], ...] = (
    ("ct_radiation_dose", r.CtRadiationDose),
    ("projection_xray_radiation_dose", r.ProjectionXRayDose),
    ("radiopharmaceutical_radiation_dose", r.RadiopharmaceuticalDose),
)


def model_for(record_type: type) -> Any:
    """The model class that stores ``record_type``."""
    return MODEL_BY_NAME[NODE_BY_RECORD[record_type].model_name]


def related_name(record_type: type, one_to_one: bool = False) -> str:
    name = NODE_BY_RECORD[record_type].model_name.lower()
    return name if one_to_one else f"{name}_set"


# ----------------------------------------------------------------------------- encoding


def encode_json(value: Any) -> Any:
    """JSON form of a tuple field's items: Coded -> [value, scheme, meaning], records -> dicts."""
    if isinstance(value, r.Coded):
        return [value.value, value.scheme, value.meaning]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [encode_json(v) for v in value]
    return value


def decode_json(value: Any, item_type: Any) -> Any:
    """Inverse of :func:`encode_json` for one item of declared type ``item_type``."""
    if value is None:
        return None
    if isinstance(value, list) and len(value) == 3 and _is_coded(item_type):
        return r.Coded(*value)
    if isinstance(value, dict) and isinstance(item_type, type) and dataclasses.is_dataclass(item_type):
        plans = {fp.name: fp for fp in plan(item_type)}
        kwargs = {}
        for name, raw in value.items():
            fp = plans.get(name)
            if fp is None:
                continue
            kwargs[name] = r.Coded(*raw) if fp.kind == "coded" and raw else raw
        return item_type(**kwargs)
    return value


def _is_coded(item_type: Any) -> bool:
    return item_type is r.Coded or "Coded" in str(item_type)


def _to_db(fp: FieldPlan, value: Any) -> Any:
    if value is None:
        return None
    if fp.base is dt.datetime and isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    if isinstance(value, float) and value != value:  # NaN never reaches the database
        return None
    return value


def column_values(record: Any, record_type: type) -> dict[str, Any]:
    """Column name -> value for one record (flattened groups included; None record -> all None)."""
    out: dict[str, Any] = {}
    for fp in plan(record_type):
        value = getattr(record, fp.name) if record is not None else None
        if fp.kind == "flat":
            out.update(column_values(value, fp.base))
        elif fp.kind == "coded":
            out[fp.name] = value.meaning if value is not None else None
            out[f"{fp.name}_code"] = f"{value.value}|{value.scheme}" if value is not None else None
        elif fp.kind == "json":
            out[fp.name] = encode_json(value) if value is not None else []
        elif fp.kind == "scalar":
            out[fp.name] = _to_db(fp, value)
    return out


# ----------------------------------------------------------------------------- writing


def write_level(record_type: type, pairs: Sequence[tuple[models.Model, Any]]) -> None:
    """Insert the records of ``record_type`` under their parents, then their children."""
    if not pairs:
        return
    model = model_for(record_type)
    derived = record_event_columns if record_type is r.CtEvent else None
    objs = [model(parent=parent, **column_values(rec, record_type), **(derived(rec) if derived else {}))
            for parent, rec in pairs]
    model.objects.bulk_create(objs)
    for fp in plan(record_type):
        if fp.kind == "children":
            child_pairs = [(obj, child) for obj, (_, rec) in zip(objs, pairs, strict=True)
                           for child in getattr(rec, fp.name)]
            write_level(fp.base, child_pairs)
        elif fp.kind == "child":
            child_pairs = [(obj, getattr(rec, fp.name)) for obj, (_, rec) in zip(objs, pairs, strict=True)
                           if getattr(rec, fp.name) is not None]
            write_level(fp.base, child_pairs)


def write_report_trees(study: models.Model, report: r.DoseReport) -> None:
    """Store the CT, projection and radiopharmaceutical trees of ``report`` under ``study``."""
    for field_name, record_type in TOP_LEVEL:
        write_level(record_type, [(study, rec) for rec in getattr(report, field_name)])


def delete_trees(study: models.Model) -> None:
    """Delete every dose tree of ``study`` (children go with their parents)."""
    for _, record_type in TOP_LEVEL:
        model_for(record_type).objects.filter(parent=study).delete()


# ----------------------------------------------------------------------------- reading


def _from_db(fp: FieldPlan, value: Any) -> Any:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _children(row: models.Model, fp: FieldPlan) -> list[models.Model]:
    return list(getattr(row, related_name(fp.base)).all())


def _child(row: models.Model, fp: FieldPlan) -> models.Model | None:
    try:
        return getattr(row, related_name(fp.base, one_to_one=True))  # type: ignore[no-any-return]
    except models.ObjectDoesNotExist:
        return None


def row_to_record(row: models.Model, record_type: type) -> Any:
    """Rebuild the record of ``record_type`` stored in ``row`` (and its child tables)."""
    kwargs: dict[str, Any] = {}
    for fp in plan(record_type):
        if fp.kind == "flat":
            sub = row_to_record(row, fp.base)
            kwargs[fp.name] = sub if any(v not in (None, ()) for v in dataclasses.astuple(sub)) else None
        elif fp.kind == "coded":
            meaning, code = getattr(row, fp.name), getattr(row, f"{fp.name}_code")
            if code:
                value, _, scheme = code.partition("|")
                kwargs[fp.name] = r.Coded(value, scheme, meaning or "")
            else:
                kwargs[fp.name] = None
        elif fp.kind == "json":
            kwargs[fp.name] = tuple(decode_json(v, fp.base) for v in getattr(row, fp.name) or [])
        elif fp.kind == "scalar":
            kwargs[fp.name] = _from_db(fp, getattr(row, fp.name))
        elif fp.kind == "children":
            kwargs[fp.name] = tuple(row_to_record(c, fp.base) for c in _children(row, fp))
        elif fp.kind == "child":
            child = _child(row, fp)
            kwargs[fp.name] = row_to_record(child, fp.base) if child is not None else None
    return record_type(**kwargs)


def row_to_plain(row: models.Model, record_type: type) -> dict[str, Any]:
    """The JSON form (coded values as meanings, ISO dates) of ``row`` and its child tables."""
    out: dict[str, Any] = {}
    for fp in plan(record_type):
        if fp.kind == "flat":
            out[fp.name] = row_to_plain(row, fp.base)
        elif fp.kind == "coded":
            out[fp.name] = getattr(row, fp.name)
        elif fp.kind == "json":
            out[fp.name] = [_plain_json(v) for v in getattr(row, fp.name) or []]
        elif fp.kind == "scalar":
            value = _from_db(fp, getattr(row, fp.name))
            out[fp.name] = value.isoformat() if isinstance(value, dt.date | dt.time) else value
        elif fp.kind == "children":
            out[fp.name] = [row_to_plain(c, fp.base) for c in _children(row, fp)]
        elif fp.kind == "child":
            child = _child(row, fp)
            out[fp.name] = row_to_plain(child, fp.base) if child is not None else None
    return out


def _plain_json(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 3 and all(isinstance(v, str) for v in value):
        return value[2]
    if isinstance(value, dict):
        return {k: _plain_json(v) for k, v in value.items()}
    return value


def study_trees_plain(study: models.Model) -> dict[str, list[dict[str, Any]]]:
    """The three dose trees of ``study`` in JSON form."""
    return {name: [row_to_plain(row, rt) for row in getattr(study, related_name(rt)).all()]
            for name, rt in TOP_LEVEL}


def study_trees_records(study: models.Model) -> dict[str, tuple[Any, ...]]:
    """The three dose trees of ``study`` as records."""
    return {name: tuple(row_to_record(row, rt) for row in getattr(study, related_name(rt)).all())
            for name, rt in TOP_LEVEL}
