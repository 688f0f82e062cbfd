"""Size-specific dose estimates (SSDE) for CT.

Method: AAPM Report 204 (2011), "Size-Specific Dose Estimates (SSDE) in Pediatric and Adult Body CT
Examinations": SSDE = f(size) x CTDIvol, where f is the exponential fit a * exp(-b * D) of the
normalised dose coefficients for the 32 cm or the 16 cm CTDI phantom. AAPM Report 220 (2014) allows
the water-equivalent diameter Dw (e.g. from an RDSR) in place of the effective diameter.

Size sources, in order of preference: water-equivalent diameter; effective diameter from AP and
lateral dimensions (sqrt(AP * LAT)). No estimate from weight or age is made here; the result carries
the method so SSDE is never confused with CTDIvol.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

# Fit coefficients (a, b) of AAPM Report 204, f = a * exp(-b * D), D in cm.
FIT_32CM = (3.704369, 0.03671937)
FIT_16CM = (1.874799, 0.03871313)

MIN_DIAMETER_CM = 1.0
MAX_DIAMETER_CM = 100.0


class Phantom(Enum):
    """CTDI phantom the CTDIvol refers to (diameter in cm)."""

    BODY_32 = 32
    HEAD_16 = 16


class SizeMethod(Enum):
    """How the patient size used for SSDE was obtained."""

    WATER_EQUIVALENT_DIAMETER = "water_equivalent_diameter"
    EFFECTIVE_DIAMETER_AP_LAT = "effective_diameter_ap_lat"


@dataclass(frozen=True)
class SsdeResult:
    ssde_mgy: float
    conversion_factor: float
    diameter_cm: float
    method: SizeMethod
    phantom: Phantom


def effective_diameter_cm(ap_cm: float, lateral_cm: float) -> float:
    """Effective diameter: the diameter of the circle with the area of the AP x LAT ellipse-bounding
    rectangle, sqrt(AP * LAT) (AAPM Report 204, section 2)."""
    if ap_cm <= 0 or lateral_cm <= 0:
        raise ValueError("AP and lateral dimensions must be positive")
    return math.sqrt(ap_cm * lateral_cm)


def conversion_factor(diameter_cm: float, phantom: Phantom = Phantom.BODY_32) -> float:
    """Normalised dose coefficient f(D) of AAPM Report 204 for the given phantom."""
    if not MIN_DIAMETER_CM <= diameter_cm <= MAX_DIAMETER_CM:
        raise ValueError(f"diameter {diameter_cm} cm outside {MIN_DIAMETER_CM}-{MAX_DIAMETER_CM} cm")
    a, b = FIT_32CM if phantom is Phantom.BODY_32 else FIT_16CM
    return a * math.exp(-b * diameter_cm)


def ssde(
    ctdivol_mgy: float,
    *,
    phantom: Phantom = Phantom.BODY_32,
    water_equivalent_diameter_cm: float | None = None,
    ap_cm: float | None = None,
    lateral_cm: float | None = None,
) -> SsdeResult | None:
    """SSDE in mGy from CTDIvol, or None when no usable size is known."""
    if ctdivol_mgy is None or ctdivol_mgy < 0:
        return None
    if water_equivalent_diameter_cm:
        diameter, method = water_equivalent_diameter_cm, SizeMethod.WATER_EQUIVALENT_DIAMETER
    elif ap_cm and lateral_cm:
        diameter = effective_diameter_cm(ap_cm, lateral_cm)
        method = SizeMethod.EFFECTIVE_DIAMETER_AP_LAT
    else:
        return None
    try:
        factor = conversion_factor(diameter, phantom)
    except ValueError:
        return None
    return SsdeResult(ctdivol_mgy * factor, factor, diameter, method, phantom)
