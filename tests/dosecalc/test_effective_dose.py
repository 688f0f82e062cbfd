"""CT effective dose estimates E = k x DLP against hand calculations (AAPM Report 96, Table 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from openrem.dosecalc.effective_dose import (
    AGE_BANDS,
    REGIONS,
    age_band,
    ct_effective_dose,
    load_k_factors,
)


@pytest.mark.parametrize(("dlp", "region", "age", "expected_msv"), [
    (790.0, "head", 45, 1.659),          # 790 x 0.0021
    (290.0, "chest", None, 4.06),        # 290 x 0.014, unknown age -> adult
    (530.0, "abdomen_pelvis", 5, 10.6),  # 530 x 0.020
    (400.0, "neck", 0.2, 6.8),           # 400 x 0.017, newborn band
    (660.0, "trunk", 12, 9.24),          # 660 x 0.014, 10 y band
])
def test_k_factor_results(dlp: float, region: str, age: float | None, expected_msv: float) -> None:
    estimate = ct_effective_dose(dlp, region, age)
    assert estimate.effective_dose_msv == pytest.approx(expected_msv, rel=1e-9)
    assert "population-average" in estimate.label
    assert "AAPM Report No. 96" in estimate.source


@pytest.mark.parametrize(("age", "band"), [
    (0.0, "0"), (0.49, "0"), (0.5, "1"), (2.9, "1"), (3.0, "5"), (7.4, "5"), (7.5, "10"),
    (14.9, "10"), (15.0, "adult"), (80, "adult"),
])
def test_age_bands(age: float, band: str) -> None:
    assert age_band(age) == band


def test_table_is_complete() -> None:
    table = load_k_factors()
    assert set(table.factors) == {(r, a) for r in REGIONS for a in AGE_BANDS}


def test_unknown_region_and_missing_source(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        ct_effective_dose(100.0, "knee")
    bad = tmp_path / "k.csv"
    bad.write_text("region,age_years,k_msv_per_mgycm\nhead,adult,0.0021\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Source"):
        load_k_factors(bad)
