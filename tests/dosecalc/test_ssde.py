"""SSDE against hand calculations of the AAPM Report 204 fits and its published table values."""

from __future__ import annotations

import math

import pytest

from openrem.dosecalc.ssde import (
    Phantom,
    SizeMethod,
    conversion_factor,
    effective_diameter_cm,
    ssde,
)


def test_tg204_32cm_phantom_published_factors() -> None:
    # Hand calculation of the report's fit: 3.704369 * exp(-0.03671937 * 20) = 1.7774;
    # at 30 cm 3.704369 * exp(-1.1015811) = 1.2311 (two decimals as in the report's tables).
    assert conversion_factor(20.0) == pytest.approx(1.7774, abs=5e-4)
    assert round(conversion_factor(20.0), 2) == 1.78
    assert conversion_factor(30.0) == pytest.approx(1.2311, abs=5e-4)
    assert round(conversion_factor(30.0), 2) == 1.23


def test_tg204_16cm_phantom_factor() -> None:
    # 1.874799 * exp(-0.03871313 * 20) = 0.8644
    assert conversion_factor(20.0, Phantom.HEAD_16) == pytest.approx(0.8644, abs=5e-4)


def test_effective_diameter_from_ap_and_lateral() -> None:
    assert effective_diameter_cm(16.0, 25.0) == pytest.approx(20.0)
    with pytest.raises(ValueError):
        effective_diameter_cm(0.0, 25.0)


def test_ssde_from_ap_lat_states_method() -> None:
    result = ssde(10.0, ap_cm=16.0, lateral_cm=25.0)
    assert result is not None
    assert result.method is SizeMethod.EFFECTIVE_DIAMETER_AP_LAT
    assert result.ssde_mgy == pytest.approx(17.774, abs=5e-3)
    assert result.diameter_cm == pytest.approx(20.0)


def test_water_equivalent_diameter_preferred_over_ap_lat() -> None:
    result = ssde(8.0, water_equivalent_diameter_cm=30.0, ap_cm=16.0, lateral_cm=25.0)
    assert result is not None
    assert result.method is SizeMethod.WATER_EQUIVALENT_DIAMETER
    assert result.ssde_mgy == pytest.approx(8.0 * 3.704369 * math.exp(-0.03671937 * 30.0))


@pytest.mark.parametrize("kwargs", [{}, {"ap_cm": 20.0}, {"water_equivalent_diameter_cm": 500.0}])
def test_no_ssde_without_usable_size(kwargs: dict[str, float]) -> None:
    assert ssde(10.0, **kwargs) is None
