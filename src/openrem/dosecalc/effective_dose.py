"""Population-average effective dose estimates for CT from DLP: E = k x DLP.

The k-factors are versioned data (``data/ct_k_factors_aapm96.csv``) with their citation in the
file header. The result is a population-average estimate for a reference patient of the age band,
not the dose of the individual patient.

Age band rule: the table's ages are 0, 1, 5, 10 years and adult. A patient is assigned the band
whose age is nearest below the midpoint to the next band: under 0.5 y -> 0; 0.5 to under 3 y -> 1;
3 to under 7.5 y -> 5; 7.5 to under 15 y -> 10; 15 y and over (or unknown age) -> adult.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

K_FACTOR_FILE = Path(__file__).parent / "data" / "ct_k_factors_aapm96.csv"
REGIONS = ("head", "head_neck", "neck", "chest", "abdomen_pelvis", "trunk")
AGE_BANDS = ("0", "1", "5", "10", "adult")
_BAND_UPPER_YEARS = ((0.5, "0"), (3.0, "1"), (7.5, "5"), (15.0, "10"))


@dataclass(frozen=True)
class KFactorTable:
    source: str
    factors: dict[tuple[str, str], float]


@dataclass(frozen=True)
class EffectiveDoseEstimate:
    effective_dose_msv: float
    k_msv_per_mgycm: float
    region: str
    age_band: str
    source: str
    label: str = "population-average estimate, not patient dose"


@lru_cache(maxsize=4)
def load_k_factors(path: Path = K_FACTOR_FILE) -> KFactorTable:
    """Read a k-factor file: '# Source:' header line, then region,age_years,k_msv_per_mgycm rows."""
    text = path.read_text(encoding="utf-8").splitlines()
    source = next((line[len("# Source:"):].strip() for line in text if line.startswith("# Source:")), "")
    if not source:
        raise ValueError(f"{path.name}: no '# Source:' line")
    rows = csv.DictReader(line for line in text if not line.startswith("#"))
    factors = {(r["region"], r["age_years"]): float(r["k_msv_per_mgycm"]) for r in rows}
    return KFactorTable(source, factors)


def age_band(age_years: float | None) -> str:
    """Age band of the k-factor table for a patient age (see module docstring)."""
    if age_years is None:
        return "adult"
    if age_years < 0:
        raise ValueError("age must not be negative")
    for upper, band in _BAND_UPPER_YEARS:
        if age_years < upper:
            return band
    return "adult"


def ct_effective_dose(dlp_mgycm: float, region: str, age_years: float | None = None,
                      table: KFactorTable | None = None) -> EffectiveDoseEstimate:
    """Effective dose estimate (mSv) for a CT DLP (mGy.cm) of a body region."""
    if dlp_mgycm < 0:
        raise ValueError("DLP must not be negative")
    table = table or load_k_factors()
    band = age_band(age_years)
    try:
        k = table.factors[(region, band)]
    except KeyError:
        raise ValueError(f"no k-factor for region {region!r}, age band {band!r}") from None
    return EffectiveDoseEstimate(dlp_mgycm * k, k, region, band, table.source)
