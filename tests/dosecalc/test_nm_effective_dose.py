"""NM effective dose estimates E = A x e (openrem.dosecalc.nm_effective_dose, openrem.dose.derived).

Hand calculations with the ICRP-published adult coefficients of Andersson et al. (EJNMMI Physics
2014;1:9 and Erratum 2015), Table 1, column (E/A0)1: 18F-FDG 1.9E-02 mSv/MBq, 11C-methionine
8.4E-03 mSv/MBq, 67Ga-citrate 1.0E-01 mSv/MBq.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openrem.dicom import records as r
from openrem.dose import derived
from openrem.dosecalc import nm_effective_dose as nm

FDG_SCT, FDG_SRT = "35321007|SCT", "C-B1031|SRT"
METHIONINE = "129510001|SCT"
SESTAMIBI_LIKE = "999999|99LOCAL"  # an agent without a coefficient


def test_file_has_its_source_and_the_fdg_row() -> None:
    table = nm.load_nm_coefficients()
    assert "EJNMMI Physics 2014;1:9" in table.source and "(E/A0)1" in table.source
    assert table.by_code[("35321007", "SCT")].e_msv_per_mbq == pytest.approx(0.019)
    assert table.by_code[("C-B1031", "SRT")].agent == "fdg"


def test_fdg_394_mbq_hand_calculation() -> None:
    estimate = nm.nm_effective_dose(394.0, "C-B1031", "SRT")
    assert estimate is not None
    assert estimate.effective_dose_msv == pytest.approx(394.0 * 0.019)  # 7.486 mSv
    assert estimate.effective_dose_msv == pytest.approx(7.486)
    assert estimate.label == "population-average estimate, not patient dose"


def test_legacy_snm3_designator_and_sct_code_give_the_same_coefficient() -> None:
    by_sct = nm.nm_effective_dose(200.0, "35321007", "SCT")
    by_snm3 = nm.nm_effective_dose(200.0, "C-B1031", "SNM3")
    assert by_sct is not None and by_snm3 is not None
    assert by_sct.effective_dose_msv == pytest.approx(3.8) == by_snm3.effective_dose_msv


def test_code_value_in_another_scheme_or_unknown_agent_has_no_estimate() -> None:
    assert nm.nm_effective_dose(400.0, "35321007", "SRT") is None  # value matched with its scheme only
    assert nm.nm_effective_dose(400.0, "999999", "99LOCAL") is None
    assert nm.nm_effective_dose(400.0, None, None) is None


def test_negative_activity_is_refused() -> None:
    with pytest.raises(ValueError):
        nm.nm_effective_dose(-1.0, "C-B1031", "SRT")


def test_file_without_source_or_with_duplicate_code_is_refused(tmp_path: Path) -> None:
    no_source = tmp_path / "a.csv"
    no_source.write_text("agent,table_row,code_value,scheme,e_msv_per_mbq\nfdg,x,1,SCT,0.019\n")
    with pytest.raises(ValueError, match="Source"):
        nm.load_nm_coefficients(no_source)
    twice = tmp_path / "b.csv"
    twice.write_text("# Source: test\nagent,table_row,code_value,scheme,e_msv_per_mbq\n"
                     "fdg,x,C-B1031,SRT,0.019\nfdg,x,C-B1031,SNM3,0.019\n")
    with pytest.raises(ValueError, match="twice"):
        nm.load_nm_coefficients(twice)


def test_study_sum_over_administrations() -> None:
    cols = derived.nm_effective_dose_columns([(394.0, FDG_SRT), (400.0, METHIONINE), (None, FDG_SCT)])
    assert cols["effective_dose_estimate_msv"] == pytest.approx(394 * 0.019 + 400 * 0.0084)  # 10.846 mSv
    assert cols["effective_dose_estimate_msv"] == pytest.approx(10.846)
    assert cols["effective_dose_region"] == "fdg+methionine_c11"
    assert cols["effective_dose_coefficients"] == "nm_e_per_activity_icrp_adult"


def test_one_agent_without_coefficient_leaves_the_study_without_estimate() -> None:
    cols = derived.nm_effective_dose_columns([(394.0, FDG_SRT), (320.0, SESTAMIBI_LIKE)])
    assert cols == dict.fromkeys(derived.ESTIMATE_COLUMNS)
    assert derived.nm_effective_dose_columns([(320.0, None)])["effective_dose_estimate_msv"] is None
    assert derived.nm_effective_dose_columns([])["effective_dose_estimate_msv"] is None


def test_report_columns_from_nm_trees_and_ct_keeps_precedence() -> None:
    fdg = r.Coded("C-B1031", "SRT", "Fluorodeoxyglucose F^18^")
    gallium = r.Coded("73065000", "SCT", "Gallium^67^ citrate")
    dose = r.RadiopharmaceuticalDose(administrations=(
        r.Administration(radiopharmaceutical_agent=fdg, administered_activity=250.0),
        r.Administration(radiopharmaceutical_agent=gallium, administered_activity=150.0)))
    cols = derived.report_study_columns((), None, (dose,))
    assert cols["effective_dose_estimate_msv"] == pytest.approx(250 * 0.019 + 150 * 0.1)  # 19.75 mSv
    assert cols["effective_dose_region"] == "fdg+gallium_citrate_ga67"
    assert cols["max_ssde_mgy"] is None
    assert derived.report_study_columns((), None, ())["effective_dose_estimate_msv"] is None
    chest = r.CtEvent(irradiation_event_uid="1", dlp=100.0, target_region=r.Coded("T-D3000", "SRT", "Chest"))
    both = derived.report_study_columns((r.CtRadiationDose(events=(chest,)),), None, (dose,))
    assert both["effective_dose_estimate_msv"] == pytest.approx(100 * 0.014)  # adult chest k, the CT estimate
    assert both["effective_dose_coefficients"] == "ct_k_factors_aapm96"
