"""Population-average effective dose estimates for nuclear medicine: E = e x A.

``e`` is the adult effective dose per unit administered activity (mSv/MBq) of the
radiopharmaceutical, looked up by the Radiopharmaceutical Agent code of the administration
(TID 10022, concept 349358000 SCT; values from DICOM PS3.16 CID 25 / CID 4021), matched by code
value and coding scheme, never by the code meaning. The coefficients are versioned data
(``data/nm_e_per_activity_icrp_adult.csv``): the ICRP-published values (ICRP Publication 106,
compiled in ICRP Publication 128; MIRD phantom, ICRP 60 tissue weights) as tabulated in Andersson
et al., EJNMMI Physics 2014;1:9 and its 2015 Erratum, Table 1, column (E/A0)1. The citation is in
the file header. The result is an estimate for an adult reference patient, not the dose of the
individual patient.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NM_COEFFICIENT_FILE = Path(__file__).parent / "data" / "nm_e_per_activity_icrp_adult.csv"
_SCHEME_ALIASES = {"SNM3": "SRT"}  # legacy SNOMED-RT codes are sent under either designator


@dataclass(frozen=True)
class NmCoefficient:
    agent: str
    e_msv_per_mbq: float


@dataclass(frozen=True)
class NmCoefficientTable:
    source: str
    by_code: dict[tuple[str, str], NmCoefficient]


@dataclass(frozen=True)
class NmEffectiveDoseEstimate:
    effective_dose_msv: float
    e_msv_per_mbq: float
    agent: str
    source: str
    label: str = "population-average estimate, not patient dose"


def _scheme(scheme: str) -> str:
    return _SCHEME_ALIASES.get(scheme.strip(), scheme.strip())


@lru_cache(maxsize=4)
def load_nm_coefficients(path: Path = NM_COEFFICIENT_FILE) -> NmCoefficientTable:
    """Read a coefficient file: '# Source:' header line, then agent,table_row,code_value,scheme,e_msv_per_mbq."""
    text = path.read_text(encoding="utf-8").splitlines()
    source = next((line[len("# Source:"):].strip() for line in text if line.startswith("# Source:")), "")
    if not source:
        raise ValueError(f"{path.name}: no '# Source:' line")
    by_code: dict[tuple[str, str], NmCoefficient] = {}
    for row in csv.DictReader(line for line in text if not line.startswith("#")):
        key = (row["code_value"].strip(), _scheme(row["scheme"]))
        if key in by_code:
            raise ValueError(f"{path.name}: code {key} listed twice")
        e = float(row["e_msv_per_mbq"])
        if e <= 0:
            raise ValueError(f"{path.name}: coefficient of {key} must be positive")
        by_code[key] = NmCoefficient(row["agent"].strip(), e)
    return NmCoefficientTable(source, by_code)


def coefficient_for(code_value: str | None, scheme: str | None,
                    table: NmCoefficientTable | None = None) -> NmCoefficient | None:
    """The coefficient of a Radiopharmaceutical Agent code, None when the agent has none."""
    if not code_value or not scheme:
        return None
    table = table or load_nm_coefficients()
    return table.by_code.get((code_value.strip(), _scheme(scheme)))


def nm_effective_dose(activity_mbq: float, code_value: str | None, scheme: str | None,
                      table: NmCoefficientTable | None = None) -> NmEffectiveDoseEstimate | None:
    """Effective dose estimate (mSv) of one administration; None when its agent has no coefficient."""
    if activity_mbq < 0:
        raise ValueError("administered activity must not be negative")
    table = table or load_nm_coefficients()
    coefficient = coefficient_for(code_value, scheme, table)
    if coefficient is None:
        return None
    return NmEffectiveDoseEstimate(activity_mbq * coefficient.e_msv_per_mbq, coefficient.e_msv_per_mbq,
                                   coefficient.agent, table.source)
