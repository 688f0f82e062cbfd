"""Derived CT estimates from stored values (openrem.dose.derived), checked against hand calculations.

SSDE = CTDIvol x 3.704369 x exp(-0.03671937 x Dw) for the 32 cm phantom (AAPM Report 204 fit):
Dw = 20 cm -> f = 1.7774, Dw = 30 cm -> f = 1.2311. E = k x DLP with AAPM Report 96 Table 3 k.
"""

from __future__ import annotations

import math

import pytest

from openrem.dose import derived

BODY = "113691|DCM"
HEAD = "113690|DCM"
CHEST = "43799004|SCT"
HEAD_REGION = "T-D1100|SRT"
ABDOMEN = "818981001|SCT"


def test_ssde_body_phantom_20_and_30_cm() -> None:
    at20 = derived.event_ssde(10.0, BODY, 200.0)
    at30 = derived.event_ssde(10.0, BODY, 300.0)
    assert at20["ssde_mgy"] == pytest.approx(17.774, abs=5e-3)
    assert at30["ssde_mgy"] == pytest.approx(12.311, abs=5e-3)
    assert at20["ssde_method"] == "water_equivalent_diameter"
    assert at20["ssde_diameter_cm"] == pytest.approx(20.0)


def test_ssde_head_phantom_uses_16_cm_fit() -> None:
    value = derived.event_ssde(10.0, HEAD, 200.0)["ssde_mgy"]
    assert value == pytest.approx(10.0 * 1.874799 * math.exp(-0.03871313 * 20.0))
    assert value == pytest.approx(8.64, abs=5e-3)


def test_no_ssde_for_head_scans() -> None:
    """AAPM Report 204/220 factors are for body CT; head SSDE (AAPM Report 293) is not implemented."""
    assert derived.event_ssde(40.0, HEAD, 170.0, HEAD_REGION)["ssde_mgy"] is None
    assert derived.event_ssde(40.0, HEAD, 170.0, "774007|SCT")["ssde_mgy"] is None  # head and neck
    assert derived.event_ssde(10.0, BODY, 200.0, CHEST)["ssde_mgy"] == pytest.approx(17.774, abs=5e-3)


@pytest.mark.parametrize(("ctdivol", "phantom", "dw"), [
    (10.0, None, 200.0),          # no phantom: which fit would be a guess
    (10.0, "999|99X", 200.0),     # unknown phantom code
    (None, BODY, 200.0),          # no CTDIvol
    (10.0, BODY, None),           # no size
    (10.0, BODY, 0.0),
])
def test_no_ssde_without_inputs(ctdivol: float | None, phantom: str | None, dw: float | None) -> None:
    assert derived.event_ssde(ctdivol, phantom, dw) == dict.fromkeys(derived.SSDE_COLUMNS)


def test_effective_dose_sums_events_by_region() -> None:
    out = derived.effective_dose_columns([(290.0, CHEST), (790.0, HEAD_REGION), (None, None), (0.0, "1|X")], 40.0)
    assert out["effective_dose_estimate_msv"] == pytest.approx(290 * 0.014 + 790 * 0.0021)  # 4.06 + 1.659
    assert out["effective_dose_region"] == "chest+head"
    assert out["effective_dose_coefficients"] == "ct_k_factors_aapm96"


def test_effective_dose_child_age_band() -> None:
    out = derived.effective_dose_columns([(530.0, ABDOMEN)], 5.0)
    assert out["effective_dose_estimate_msv"] == pytest.approx(10.6)


def test_unmapped_region_gives_no_estimate() -> None:
    out = derived.effective_dose_columns([(290.0, CHEST), (100.0, "00001|99GEMS")], 40.0)
    assert out["effective_dose_estimate_msv"] is None
    assert out["effective_dose_region"] is None


def test_study_columns_take_highest_ssde() -> None:
    out = derived.study_columns([None, 12.0, 17.5], [], None)
    assert out["max_ssde_mgy"] == 17.5
    assert out["effective_dose_estimate_msv"] is None
