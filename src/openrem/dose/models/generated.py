"""Build the dose-tree models from the parsing layer's record types.

The records in :mod:`openrem.dicom.records` are the schema of the template data: each record type
listed in :data:`TREE` becomes one table whose columns are the record's fields. The rules:

* a scalar field becomes a nullable column of the matching type; its unit (from the type
  annotation) is written into the column comment;
* a coded field becomes two columns: ``name`` (code meaning, for display) and ``name_code``
  (``"value|scheme"``, for matching);
* a nested record that is not a table is flattened into the parent (its fields are the parent's
  columns; names are checked for collisions);
* a nested record that is a table is a one-to-one child; a tuple of table records is a one-to-many
  child (foreign key ``parent`` to the parent table);
* any other tuple (per-pulse values, filters, grids, view modifiers) is a JSON column.

:mod:`openrem.dose.treeio` writes records into these tables and reads them back with the same rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from dataclasses import dataclass
from typing import Any

from django.db import models

from openrem.dicom import records as r
from openrem.dicom.units import Unit


@dataclass(frozen=True)
class Node:
    """One table of the tree: the record type, the model name and its parent."""

    record: type
    model_name: str
    parent: str | None  # model name of the parent table, None for children of Study
    one_to_one: bool = False


TREE: tuple[Node, ...] = (
    Node(r.CtRadiationDose, "CtRadiationDose", None),
    Node(r.CtAccumulated, "CtAccumulatedDose", "CtRadiationDose"),
    Node(r.CtEvent, "CtEvent", "CtRadiationDose"),
    Node(r.CtXraySource, "CtXraySource", "CtEvent"),
    Node(r.CtDoseCheck, "CtDoseCheck", "CtEvent"),
    Node(r.ProjectionXRayDose, "ProjectionXrayDose", None),
    Node(r.AccumulatedXrayDose, "AccumulatedXrayDose", "ProjectionXrayDose"),
    Node(r.AccumProjection, "AccumProjection", "AccumulatedXrayDose", one_to_one=True),
    Node(r.AccumIntegrated, "AccumIntegrated", "AccumulatedXrayDose", one_to_one=True),
    Node(r.AccumCassette, "AccumCassette", "AccumulatedXrayDose", one_to_one=True),
    Node(r.AccumMammography, "AccumMammography", "AccumulatedXrayDose"),
    Node(r.ProjectionEvent, "ProjectionEvent", "ProjectionXrayDose"),
    Node(r.RadiopharmaceuticalDose, "RadiopharmaceuticalDose", None),
    Node(r.Administration, "Administration", "RadiopharmaceuticalDose"),
    Node(r.OrganDose, "OrganDose", "Administration"),
    Node(r.PatientCharacteristics, "PatientCharacteristics", "RadiopharmaceuticalDose"),
    Node(r.PetSeries, "PetSeries", "RadiopharmaceuticalDose"),
)
NODE_BY_RECORD: dict[type, Node] = {n.record: n for n in TREE}

# Columns worth an index: the study list filters and charts reach these.
INDEXED = {"acquisition_protocol", "irradiation_event_uid", "date_time_started", "mean_ctdivol", "dlp",
           "dose_area_product", "radiopharmaceutical_administration_event_uid"}


# Derived columns of a tree table: computed at import from the record (openrem.dose.derived), not
# part of the record, so the dump and the reference comparison never see them.
DERIVED: dict[str, dict[str, Any]] = {
    "CtEvent": {
        "ssde_mgy": lambda: models.FloatField(null=True, blank=True, db_index=True,
                                              db_comment="unit: mGy; size-specific dose estimate"),
        "ssde_method": lambda: models.CharField(max_length=40, null=True, blank=True),
        "ssde_diameter_cm": lambda: models.FloatField(null=True, blank=True, db_comment="unit: cm"),
    },
}


def _strip_optional(hint: Any) -> Any:
    """``X | None`` -> ``X`` (also for Annotated[X | None, Unit])."""
    if typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


def _unit(hint: Any) -> str | None:
    for meta in getattr(hint, "__metadata__", ()):
        if isinstance(meta, Unit):
            return meta.ucum
    return None


@dataclass(frozen=True)
class FieldPlan:
    """How one record field is stored."""

    name: str
    kind: str  # scalar | coded | json | flat | child | children
    base: Any
    unit: str | None = None


@functools.cache
def plan(record: type) -> tuple[FieldPlan, ...]:
    """The storage plan of every field of ``record`` (see the module docstring)."""
    hints = typing.get_type_hints(record, include_extras=True)
    out: list[FieldPlan] = []
    for f in dataclasses.fields(record):
        hint = hints[f.name]
        base = _strip_optional(hint)
        if base is r.Coded:
            out.append(FieldPlan(f.name, "coded", base))
        elif dataclasses.is_dataclass(base):
            out.append(FieldPlan(f.name, "child" if base in NODE_BY_RECORD else "flat", base))
        elif typing.get_origin(base) is tuple:
            item = typing.get_args(base)[0]
            kind = "children" if item in NODE_BY_RECORD else "json"
            out.append(FieldPlan(f.name, kind, item))
        else:
            out.append(FieldPlan(f.name, "scalar", base, _unit(hint)))
    return tuple(out)


def columns(record: type) -> list[FieldPlan]:
    """The scalar, coded and JSON fields of ``record`` with flattened groups expanded."""
    cols: list[FieldPlan] = []
    for fp in plan(record):
        if fp.kind == "flat":
            cols.extend(columns(fp.base))
        elif fp.kind in ("scalar", "coded", "json"):
            cols.append(fp)
    names = [c.name for c in cols]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise TypeError(f"{record.__name__}: flattened fields collide: {sorted(duplicates)}")
    return cols


def _django_field(fp: FieldPlan) -> models.Field[Any, Any]:
    comment = f"unit: {fp.unit}" if fp.unit else None
    index = fp.name in INDEXED
    if fp.kind == "json":
        return models.JSONField(default=list, blank=True)
    if fp.kind == "coded":
        return models.TextField(null=True, blank=True, db_index=index)
    base = fp.base
    if base is float:
        return models.FloatField(null=True, blank=True, db_comment=comment, db_index=index)
    if base is int:
        return models.IntegerField(null=True, blank=True, db_comment=comment)
    if base is bool:
        return models.BooleanField(null=True, blank=True)
    if base is dt.datetime:
        return models.DateTimeField(null=True, blank=True, db_index=index)
    if base is dt.date:
        return models.DateField(null=True, blank=True)
    if base is dt.time:
        return models.TimeField(null=True, blank=True)
    return models.TextField(null=True, blank=True, db_index=index)


def build_model(node: Node, module: str) -> type[models.Model]:
    """Create the Django model class for ``node``."""
    attrs: dict[str, Any] = {"__module__": module}
    for fp in columns(node.record):
        attrs[fp.name] = _django_field(fp)
        if fp.kind == "coded":
            attrs[f"{fp.name}_code"] = models.CharField(max_length=128, null=True, blank=True)
    for name, factory in DERIVED.get(node.model_name, {}).items():
        attrs[name] = factory()
    parent = node.parent or "Study"
    if node.one_to_one:
        attrs["parent"] = models.OneToOneField(parent, on_delete=models.CASCADE,
                                               related_name=node.model_name.lower())
    else:
        attrs["parent"] = models.ForeignKey(parent, on_delete=models.CASCADE,
                                            related_name=f"{node.model_name.lower()}_set")
    attrs["Meta"] = type("Meta", (), {"app_label": "dose", "ordering": ["pk"],
                                      "db_table": f"dose_{node.model_name.lower()}"})
    attrs["__doc__"] = f"Stored {node.record.__name__} ({(node.record.__doc__ or '').splitlines()[0]})"
    return type(node.model_name, (models.Model,), attrs)
