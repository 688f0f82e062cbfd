"""Image-header imports on the real sample files: any order, duplicates, delete settings, aliases."""

from __future__ import annotations

import itertools
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from openrem.dose.models import DicomDeleteSettings, Study
from openrem.dose.reference import dump_reference
from openrem.dose.services import import_file

pytestmark = pytest.mark.django_db

GROUPS = {
    "dx": ["DX-Im-GE_XR220-1.dcm", "DX-Im-GE_XR220-2.dcm", "DX-Im-GE_XR220-3.dcm"],
    "mg": ["MG-Im-GE_Seno_1_ForPresentation.dcm", "MG-Im-GE_Seno_1_ForProcessing.dcm",
           "MG-Im-GE_Seno_2_ForPresentation.dcm"],
    "pet": ["NM-PetIm-Siemens-2.dcm", "NM-PetIm-Siemens-3-sameseries.dcm", "NM-PetIm-Siemens-3.dcm",
            "NM-PetIm-Siemens.dcm", "NM-RRDSR-Siemens.dcm"],
}


def _state() -> list[dict]:
    studies = dump_reference()["studies"]
    for s in studies:
        for key in ("pk", "source_files_by_sop_uid", "files_that_created_or_changed_it"):
            s.pop(key)
        s["sop_instance_uids_processed"] = sorted(s["sop_instance_uids_processed"])
    return studies


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_any_order_gives_the_same_study(group: str, sample) -> None:  # type: ignore[no-untyped-def]
    paths = [sample(n) for n in GROUPS[group]]
    for p in paths:
        assert not import_file(p).failed
    expected = _state()
    assert len(expected) == 1
    orders = list(itertools.permutations(paths))
    for order in random.Random(group).sample(orders, min(4, len(orders))):
        Study.objects.all().delete()
        for p in [*order, order[0]]:  # and one sent twice
            assert not import_file(p).failed
        assert _state() == expected


def test_for_processing_twin_adds_no_exposure(sample) -> None:  # type: ignore[no-untyped-def]
    import_file(sample("MG-Im-GE_Seno_1_ForPresentation.dcm"))
    outcome = import_file(sample("MG-Im-GE_Seno_1_ForProcessing.dcm"))
    assert outcome.outcome == "merged" and "duplicate" in outcome.detail
    assert Study.objects.get().number_of_events == 1


def test_rrdsr_keeps_pet_series_and_replaces_image_administration(sample) -> None:  # type: ignore[no-untyped-def]
    for name in GROUPS["pet"]:
        import_file(sample(name))
    (study,) = [s for s in dump_reference()["studies"] if s["modality_type"] == "NM"]
    (dose,) = study["radiopharmaceutical_radiation_dose"]
    (adm,) = dose["administrations"]
    assert adm["radiopharmaceutical_administration_event_uid"]  # from the RRDSR
    assert len(adm["organ_doses"]) > 10
    assert len(dose["pet_series"]) == 3


def test_ct_and_pet_of_one_study_stay_two_studies(sample) -> None:  # type: ignore[no-untyped-def]
    for name in ["NM-PetIm-Siemens.dcm", "NM-CT-RDSR-Siemens.dcm", "NM-RRDSR-Siemens.dcm"]:
        import_file(sample(name))
    assert sorted(Study.objects.values_list("modality_type", flat=True)) == ["CT", "NM"]


def test_delete_setting_removes_file_only_after_success(tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    settings = DicomDeleteSettings.get()
    settings.del_dx_im = True
    settings.save()
    good = tmp_path / "dx.dcm"
    shutil.copy(sample("DX-Im-GE_XR220-1.dcm"), good)
    rdsr = tmp_path / "rdsr.dcm"
    shutil.copy(sample("CT-RDSR-Siemens-Multi-1.dcm"), rdsr)
    broken = tmp_path / "broken.dcm"
    broken.write_bytes(sample("DX-Im-GE_XR220-2.dcm").read_bytes()[:300])
    assert "file deleted" in import_file(good).detail and not good.exists()
    assert import_file(rdsr).outcome == "stored" and rdsr.exists()  # RDSR deletion not enabled
    assert import_file(broken).failed and broken.exists()


def test_missing_date_is_stored_without_date_and_flagged(sample) -> None:  # type: ignore[no-untyped-def]
    outcome = import_file(sample("DX-Im-Date-Missing.dcm"))
    assert outcome.outcome == "stored"
    study = Study.objects.get()
    assert study.study_date is None
    assert any("date" in w.lower() for w in study.warnings)
    assert study.total_dap == pytest.approx(0.00011013)


def test_alias_commands_filter_by_kind(tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    bindir = Path(sys.executable).parent
    alias = bindir / "openrem_mg.py"
    if not alias.exists():
        pytest.skip("package scripts not installed")
    result = subprocess.run([str(alias), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "paths" in result.stdout
