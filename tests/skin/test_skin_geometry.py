"""Geometry of the skin dose calculation on hand-made single-event reports.

Default event (see skin_reports.event): source-isocentre 80 cm, so the reference point is 65 cm
from the focal spot; K_ref 1 mGy and DAP 1e-5 Gy m2 give a 10 cm x 10 cm field there. Reference
phantom: flat width 14 cm, side radius 31/pi cm, head 24 rows then 70 torso rows; 90 columns:
anterior face 0-13 (from the patient's right), left side 14-44, posterior face 45-58 (from the
left), right side 59-89.
The reported lateral table position moves the phantom along its length (room Z = -5 cm + lat),
the longitudinal one across (X), the height lowers the table top (Y = -height).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from skin_reports import event, report

from openrem.skin import SkinMap, calculate
from openrem.skin.factors import factors

K = 1.0e-3
R = 31.0 / math.pi  # side radius of the reference phantom
MATTRESS = 4.0


def _bsf(kvp: float = 80.0, cu: float = 0.0, side: float = 10.0) -> float:
    return float(factors().backscatter(np.array([kvp]), np.array([cu]), np.array([side]))[0])


def _trans(mattress: bool, kvp: float = 80.0, cu: float = 0.0) -> float:
    yes = np.array([True])
    return float(factors().transmission(np.array([kvp]), np.array([cu]), yes, np.array([mattress]))[0])


def _map(*events: object, **kw: float) -> np.ndarray:
    result = calculate(report(*events, **kw))  # type: ignore[arg-type]
    assert isinstance(result, SkinMap), result
    return result.dose_gy


def test_pa_beam_centre_and_edge_cells() -> None:
    # table top 15 cm below the isocentre: back of the phantom at Y = -11, 69 cm from the focal spot.
    # Lateral table 505 mm: beam axis at 45.5 cm below the top of the head -> row 45 (rows 24.. torso).
    # Longitudinal -5 mm: phantom 0.5 cm to the right -> axis 0.5 cm left of the back's middle
    # (column 52.0) -> column 51.
    dose = _map(event())
    centre = K * (65.0 / 69.0) ** 2 * _bsf() * _trans(True)
    assert dose[45, 51] == pytest.approx(centre, rel=1e-6)
    assert dose.max() == pytest.approx(centre, rel=1e-3)
    # 4 cm off axis along the back (still on the flat face): longer ray, same factors
    off = K * 65.0**2 / (69.0**2 + 4.0**2) * _bsf() * _trans(True)
    assert dose[45, 55] == pytest.approx(off, rel=1e-6)
    assert dose[41, 51] == pytest.approx(off, rel=1e-6)
    # field half-width on the back: 5 x 69 / 65 = 5.3077 cm -> the cell centred 5 cm off (spanning
    # 4.5-5.5 cm) is 80.77 % covered, the one centred 6 cm off not at all
    edge = 0.8077 * K * 65.0**2 / (69.0**2 + 5.0**2) * _bsf() * _trans(True)
    assert dose[45 + 5, 51] == pytest.approx(edge, rel=1e-3)
    assert dose[45 + 6, 51] == 0.0
    # nothing on the anterior face or the head
    assert dose[:, :14].sum() == 0.0 and dose[:24].sum() == 0.0


def test_lateral_beam_enters_the_right_side_without_table() -> None:
    # primary +90 (LAO 90): receptor on the patient's left, focal spot 80 cm to the right.
    # Table height 138.68 mm puts the phantom axis at the isocentre height: the axis hits the right
    # side at its widest point, 7 + R cm from the isocentre -> column 59 + 31/2 = 74.5 (cell 74).
    dose = _map(event(primary=90.0, height_mm=(MATTRESS + R) * 10.0))
    dist = 80.0 - (7.0 + R) - 0.5  # the phantom is 0.5 cm to the right (longitudinal -5 mm)
    assert dose[45, 74] == pytest.approx(K * (65.0 / dist) ** 2 * _bsf(), rel=2e-3)
    assert dose[:, 14:59].sum() == 0.0  # left side and posterior face untouched


def test_rotational_arc_is_split_into_frames() -> None:
    # 270 degree arc from -45 to 225 in three pulses: frames at 0 (PA), 90 (from the right), 180 (AP)
    height = (MATTRESS + R) * 10.0
    arc = event(primary=-45.0, end=225.0, pulses=3, height_mm=height)
    dose = _map(arc)
    third = K / 3.0
    # phantom axis at the isocentre: back and front surfaces R cm away, the table under the back
    # (0.5 cm to the right: axis on the back at column 51, on the front at column 7)
    assert dose[45, 51] == pytest.approx(third * (65 / (80 - R)) ** 2 * _bsf() * _trans(True), rel=1e-3)
    assert dose[45, 7] == pytest.approx(third * (65 / (80 - R)) ** 2 * _bsf(), rel=1e-3)
    assert dose[45, 74] == pytest.approx(third * (65 / (80 - 7 - R - 0.5)) ** 2 * _bsf(), rel=2e-3)
    # the left side (entered only by a beam from the left) stays unexposed at its middle
    assert dose[45, 29] == 0.0


def test_table_moved_shifts_the_map() -> None:
    before = _map(event())
    after = _map(event(lat_mm=505.0 - 100.0, long_mm=-5.0 - 30.0))
    # table 10 cm towards the foot end: the beam hits 10 cm higher (row 35); 3 cm to the right:
    # the beam hits 3 cm further left on the back (column 51 - 3 = 48)
    assert np.unravel_index(np.argmax(after), after.shape) == (35, 48)
    assert after[35, 48] == pytest.approx(before[45, 51], rel=1e-9)
    assert after.sum() == pytest.approx(before.sum(), rel=5e-3)  # edge cells reach the curved sides


def test_dose_scales_with_kref_and_inverse_square() -> None:
    near = _map(event(height_mm=200.0))  # table 5 cm lower: back 64 cm from the focal spot
    far = _map(event(height_mm=150.0))
    double = _map(event(k_ref_gy=2 * K, dap_gym2=2e-5))
    assert near.max() / far.max() == pytest.approx((69.0 / 64.0) ** 2, rel=1e-3)
    assert double.max() == pytest.approx(2 * far.max(), rel=1e-9)


def test_phantom_scaled_from_height_and_mass() -> None:
    reference = calculate(report(event()))
    assert isinstance(reference, SkinMap)
    assert reference.dose_gy.shape == (94, 90)
    assert (reference.height_source, reference.mass_source) == ("assumed", "assumed")
    bigger = calculate(report(event(), height_m=1.79, mass_kg=77.0))
    assert isinstance(bigger, SkinMap)
    assert bigger.dose_gy.shape == (94, 94)  # 2 x (15 + 32) cells around, 70 + 24 rows
    assert (bigger.height_source, bigger.mass_source) == ("extracted", "extracted")
    entered = calculate(report(event()), height_cm=160.0, mass_kg=50.0)
    assert isinstance(entered, SkinMap) and entered.height_source == "entered"
    assert entered.phantom.torso_length == 63
