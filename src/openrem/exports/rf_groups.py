"""Exposure groups of a fluoroscopy study for the XLSX "All data" sheet (spec 5.2 "RF XLSX").

Events are in one group when they share the plane, protocol, II field size, pulse rate, filter
materials and thicknesses and event type (all compared by code or value), and their primary and
secondary positioner angles are within 5 degrees of the group's first event. Each group gives its
type, protocol, standard name, count, plane, pulse rate, field size, filter, mean filter thickness and
the minimum, maximum and mean of kVp, mA and pulse width (per-pulse values averaged without zeros),
exposure time, DAP, dose at the reference point and the two angles.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from openrem.dose.models import Study
from openrem.exports.source import iter_studies
from openrem.modalities.export_columns import (
    GY_M2_TO_CGY_CM2,
    TEXT,
    ExportSpec,
    decimal_scale,
    filter_materials,
    mean_nonzero,
)

ANGLE_TOLERANCE_DEG = 5.0
EXTRA_PATHS = ("acquisition_plane_code", "irradiation_event_type_code")
# (header, unit, getter)
STATS: tuple[tuple[str, str, Any], ...] = (
    ("kVp", "kV", lambda e: mean_nonzero(e.get("kvp"))),
    ("mA", "mA", lambda e: mean_nonzero(e.get("xray_tube_current"))),
    ("Pulse width", "ms", lambda e: mean_nonzero(e.get("pulse_width"))),
    ("Exposure time", "ms", lambda e: e.get("exposure_time")),
    ("DAP", "cGy.cm2", lambda e: decimal_scale(e["dose_area_product"], GY_M2_TO_CGY_CM2)
     if e.get("dose_area_product") is not None else None),
    ("RP dose", "Gy", lambda e: e.get("dose_rp")),
    ("Primary angle", "deg", lambda e: e.get("positioner_primary_angle")),
    ("Secondary angle", "deg", lambda e: e.get("positioner_secondary_angle")),
)
FIXED = (("Type", TEXT), ("Protocol", TEXT), ("Count", "num"), ("Plane", TEXT), ("Pulse rate (pulse/s)", "num"),
         ("Field size (mm)", "num"), ("Filter material", TEXT), ("Mean filter thickness (mm)", "num"))


def _filter_key(filters: Any) -> tuple[Any, ...]:
    out = []
    for f in filters or []:
        if isinstance(f, dict):
            material = f.get("material")
            code = tuple(material[:2]) if isinstance(material, list) else None
            out.append((code, f.get("thickness_min"), f.get("thickness_max")))
    return tuple(out)


def _key(event: dict[str, Any]) -> tuple[Any, ...]:
    return (event.get("acquisition_plane_code"), event.get("acquisition_protocol"), event.get("ii_field_size"),
            event.get("pulse_rate"), _filter_key(event.get("filters")), event.get("irradiation_event_type_code"))


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= ANGLE_TOLERANCE_DEG


def group_events(events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Events grouped by the rules of the module docstring, in order of their first event."""
    groups: list[tuple[tuple[Any, ...], list[dict[str, Any]]]] = []
    for event in events:
        key = _key(event)
        for group_key, members in groups:
            first = members[0]
            if group_key == key and _close(event.get("positioner_primary_angle"), first.get("positioner_primary_angle")) \
                    and _close(event.get("positioner_secondary_angle"), first.get("positioner_secondary_angle")):
                members.append(event)
                break
        else:
            groups.append((key, [event]))
    return [members for _key, members in groups]


def headers(n_groups: int, standard: bool) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for n in range(1, n_groups + 1):
        fixed = list(FIXED)
        if standard:
            fixed.insert(2, ("Standard acquisition name", TEXT))
        out += [(f"G{n} {name}", kind) for name, kind in fixed]
        for name, unit, _get in STATS:
            out += [(f"G{n} {name} {stat} ({unit})", "num") for stat in ("min", "max", "mean")]
    return out


def _thickness(members: list[dict[str, Any]]) -> float | None:
    values: list[float] = [f["thickness_max"] for e in members for f in (e.get("filters") or [])
              if isinstance(f, dict) and isinstance(f.get("thickness_max"), int | float)]
    return sum(values) / len(values) if values else None


def group_values(members: list[dict[str, Any]], standard: dict[str, dict[str, str]] | None) -> list[Any]:
    first = members[0]
    values: list[Any] = [first.get("irradiation_event_type"), first.get("acquisition_protocol")]
    if standard is not None:
        values.append(standard.get("acquisition_protocol", {}).get(first.get("acquisition_protocol") or ""))
    values += [len(members), first.get("acquisition_plane"), first.get("pulse_rate"), first.get("ii_field_size"),
               filter_materials(first.get("filters")), _thickness(members)]
    for _name, _unit, get in STATS:
        nums = [v for v in (get(e) for e in members) if isinstance(v, int | float)]
        values += [min(nums), max(nums), sum(nums) / len(nums)] if nums else [None, None, None]
    return values


def row_values(events: list[dict[str, Any]], n_groups: int, standard: dict[str, dict[str, str]] | None) -> list[Any]:
    """The group columns of one study (``n_groups`` slots)."""
    width = len(headers(1, standard is not None))
    groups = group_events(events)
    out: list[Any] = []
    for n in range(n_groups):
        out += group_values(groups[n], standard) if n < len(groups) else [None] * width
    return out


def max_groups(spec: ExportSpec, qs: QuerySet[Study]) -> int:
    """The largest number of groups of a study of ``qs`` (one pass over the events)."""
    return max((len(group_events(row.events)) for row in iter_studies(spec, qs, extra_event_paths=EXTRA_PATHS)),
               default=0)
