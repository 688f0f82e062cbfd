"""SSDE and effective dose estimates stored at import and recomputed by ``openrem derive_estimates``."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.management import call_command

from factories import ct_event, ct_report, nm_report
from openrem.dicom import records as r
from openrem.dose.ingest import ingest
from openrem.dose.models import CtEvent, Study
from openrem.dosecalc.nm_effective_dose import load_nm_coefficients

pytestmark = pytest.mark.django_db

BODY = r.Coded("113691", "DCM", "IEC Body Dosimetry Phantom")
CHEST = r.Coded("T-D3000", "SRT", "Chest")


def _report(dw_mm: float | None = 300.0) -> r.DoseReport:
    report = ct_report("9.1", "9.1.1", [])
    scan = replace(ct_event("s1", dlp=290.0, ctdi=10.0), ctdiw_phantom_type=BODY, target_region=CHEST,
                   water_equivalent_diameter=dw_mm)
    scout = replace(ct_event("s0", dlp=10.0, ctdi=0.5, spiral=False), ctdiw_phantom_type=BODY, target_region=CHEST)
    ct = replace(report.ct_radiation_dose[0], events=(scout, scan))
    return replace(report, ct_radiation_dose=(ct,))


def test_import_stores_event_ssde_and_study_estimates() -> None:
    ingest(_report())
    scan = CtEvent.objects.get(irradiation_event_uid="s1")
    assert scan.water_equivalent_diameter == pytest.approx(300.0)
    assert scan.ssde_mgy == pytest.approx(12.311, abs=5e-3)  # 10 mGy x 1.2311 (32 cm fit, 30 cm)
    assert scan.ssde_method == "water_equivalent_diameter"
    scout = CtEvent.objects.get(irradiation_event_uid="s0")
    assert scout.ssde_mgy is None and scout.ssde_method is None  # no diameter: no SSDE
    assert scout.mean_ctdivol == pytest.approx(0.5)  # CTDIvol kept as reported
    study = Study.objects.get()
    assert study.max_ssde_mgy == pytest.approx(scan.ssde_mgy)
    assert study.effective_dose_estimate_msv == pytest.approx(300.0 * 0.014)  # adult chest, DLP 10 + 290
    assert study.effective_dose_region == "chest"
    assert study.effective_dose_coefficients == "ct_k_factors_aapm96"


def test_derive_estimates_recomputes_from_stored_rows() -> None:
    ingest(_report())
    CtEvent.objects.update(ssde_mgy=None, ssde_method=None, ssde_diameter_cm=None)
    Study.objects.update(max_ssde_mgy=None, effective_dose_estimate_msv=None, effective_dose_region=None)
    CtEvent.objects.filter(irradiation_event_uid="s1").update(water_equivalent_diameter=200.0)
    call_command("derive_estimates")
    scan = CtEvent.objects.get(irradiation_event_uid="s1")
    assert scan.ssde_mgy == pytest.approx(17.774, abs=5e-3)  # 10 mGy x 1.7774 (32 cm fit, 20 cm)
    assert scan.ssde_diameter_cm == pytest.approx(20.0)
    study = Study.objects.get()
    assert study.max_ssde_mgy == pytest.approx(scan.ssde_mgy)
    assert study.effective_dose_estimate_msv == pytest.approx(4.2)


def test_study_without_size_has_no_ssde() -> None:
    ingest(_report(dw_mm=None))
    assert Study.objects.get().max_ssde_mgy is None
    assert not CtEvent.objects.filter(ssde_mgy__isnull=False).exists()


def test_study_with_many_radiopharmaceuticals_is_stored_with_all_names() -> None:
    """Every agent's name, "+"-joined, is kept: five agents need over 64 characters (a column of 64
    characters refused the whole study on PostgreSQL)."""
    by_agent = {c.agent: key for key, c in load_nm_coefficients().by_code.items()}
    agents = sorted(by_agent, key=len)[-5:]
    report = nm_report("1.2.3.77", "1.2.3.77.1")
    admin = report.radiopharmaceutical_radiation_dose[0].administrations[0]
    admins = tuple(replace(admin, radiopharmaceutical_administration_event_uid=f"1.2.3.77.1.{i}",
                           radiopharmaceutical_agent=r.Coded(*by_agent[name], name))
                   for i, name in enumerate(agents))
    report = replace(report, radiopharmaceutical_radiation_dose=(
        r.RadiopharmaceuticalDose(administrations=admins),))
    study = Study.objects.get(pk=ingest(report).study_pk)
    assert study.effective_dose_region == "+".join(sorted(agents))
    assert len(study.effective_dose_region) > 64
