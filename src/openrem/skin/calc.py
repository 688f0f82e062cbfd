"""The skin dose calculation of one report: inputs, phantom, dose grid and results."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from openrem.dicom.parse import parse_path
from openrem.dicom.records import DoseReport
from openrem.skin import inputs, phantom
from openrem.skin.factors import factors
from openrem.skin.geometry import Placement, event_doses

#: Version of the calculation; stored maps of another version are recalculated.
VERSION = "2.0.0"
DEFAULT_HEIGHT_CM = phantom.REF_HEIGHT_CM
DEFAULT_MASS_KG = phantom.REF_MASS_KG
#: Accepted patient sizes; outside them the default is used and the source says "assumed".
HEIGHT_RANGE_CM = (40.0, 250.0)
MASS_RANGE_KG = (2.0, 350.0)
PLACEMENT = Placement(swap_lateral_longitudinal=True)


@dataclass(frozen=True, slots=True)
class NotCalculated:
    """No map: the reason says why (shown as "not calculated: <reason>")."""

    reason: str
    skipped: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"not calculated: {self.reason}"


@dataclass(frozen=True, slots=True)
class SkinMap:
    """A skin dose map (Gy per 1 cm2 cell; rows from the top of the head, see :mod:`openrem.skin.phantom`)."""

    dose_gy: npt.NDArray[np.float64]
    phantom: phantom.Phantom
    orientation: inputs.Orientation
    height_source: str
    mass_source: str
    fraction_dap: float
    events_used: int
    skipped: dict[str, int]
    version: str = VERSION

    @property
    def peak_skin_dose_gy(self) -> float:
        """Highest cell dose (Gy)."""
        return float(self.dose_gy.max()) if self.dose_gy.size else 0.0

    def as_json(self) -> dict[str, Any]:
        """The map and its description, in the layout of the older system's ``skin_map`` JSON."""
        ph = self.phantom
        return {
            "skin_map": [round(float(v), 9) for v in self.dose_gy.ravel()],
            "width": ph.width,
            "height": ph.torso_length,
            "map_rows": ph.map_rows,
            "peak_skin_dose": self.peak_skin_dose_gy,
            "phantom_width": ph.total_width,
            "phantom_height": ph.torso_length,
            "phantom_head_height": float(phantom.HEAD_LENGTH_CM),
            "phantom_head_radius": ph.head_radius,
            "phantom_depth": ph.depth,
            "phantom_flat_dist": float(ph.flat_width),
            "phantom_curved_dist": float(ph.curved_width),
            "patient_height": ph.height_cm,
            "patient_mass": ph.mass_kg,
            "patient_orientation": self.orientation.code,
            "patient_height_source": self.height_source,
            "patient_mass_source": self.mass_source,
            "patient_orientation_source": self.orientation.source,
            "fraction_DAP": self.fraction_dap,
            "events_used": self.events_used,
            "events_skipped": self.skipped,
            "skin_map_version": self.version,
        }


def _size(given: float | None, reported: float | None, default: float, limits: tuple[float, float]) -> tuple[float, str]:
    """A patient dimension and its source: given (entered), extracted (from the report) or assumed."""
    if given is not None and limits[0] <= given <= limits[1]:
        return float(given), "entered"
    if reported is not None and math.isfinite(reported) and limits[0] <= reported <= limits[1]:
        return float(reported), "extracted"
    return default, "assumed"


def patient_size(report: DoseReport, height_cm: float | None, mass_kg: float | None) -> tuple[float, str, float, str]:
    """Height (cm) and mass (kg) with their sources; the report gives height in metres (C.7.2.2)."""
    rep_height = report.patient.size * 100.0 if report.patient.size else None
    height, h_src = _size(height_cm, rep_height, DEFAULT_HEIGHT_CM, HEIGHT_RANGE_CM)
    mass, m_src = _size(mass_kg, report.patient.weight, DEFAULT_MASS_KG, MASS_RANGE_KG)
    return height, h_src, mass, m_src


def calculate(report: DoseReport, height_cm: float | None = None, mass_kg: float | None = None,
              placement: Placement = PLACEMENT) -> SkinMap | NotCalculated:
    """The skin dose map of a projection RDSR, or why there is none. Never raises on odd input."""
    if not report.projection_xray_radiation_dose:
        return NotCalculated("not a projection X-ray dose report")
    events = inputs.collect(report)
    skipped = dict(events.skipped)
    if len(events) == 0:
        reasons = ", ".join(f"{k} ({v} events)" for k, v in sorted(skipped.items())) or "no irradiation events"
        return NotCalculated(reasons, skipped)
    height, h_src, mass, m_src = patient_size(report, height_cm, mass_kg)
    ph = phantom.build(height, mass)
    orient = inputs.orientation(report)
    dose, dap_on = event_doses(ph, events, orient.code, placement, factors())
    grid = np.zeros((ph.map_rows, ph.width))
    np.add.at(grid, (ph.rows, ph.cols), dose)
    if not np.isfinite(grid).all():
        return NotCalculated("the calculation gave non-finite doses", skipped)
    if grid.max() <= 0.0:
        return NotCalculated("no irradiation event reached the phantom", skipped)
    total_dap = float(events.dap_gym2.sum())
    return SkinMap(dose_gy=grid, phantom=ph, orientation=orient, height_source=h_src, mass_source=m_src,
                   fraction_dap=dap_on / total_dap if total_dap > 0 else 0.0,
                   events_used=events.used, skipped=skipped)


def calculate_file(path: str | Path, height_cm: float | None = None,
                   mass_kg: float | None = None) -> SkinMap | NotCalculated:
    """Parse the DICOM file at ``path`` and calculate its skin dose map."""
    result = parse_path(path)
    if result.report is None:
        return NotCalculated(result.reason or "the file could not be read")
    return calculate(result.report, height_cm, mass_kg)
