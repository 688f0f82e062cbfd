"""``openrem cttoshiba``: CT studies derived from CT image headers, stored through the ingest path."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from legacy_ct_support import EXPECTED, IMAGE_COUNT, SERIES, TOTAL_DLP, write_study
from openrem.dicom import parse
from openrem.dicom.synth.common import write
from openrem.dicom.synth.ct import ct_rdsr
from openrem.dose.ingest import ingest
from openrem.dose.models import CtEvent, ProcessedObject, Study
from openrem.importlog.models import FailedImport
from openrem.netdicom.models import ReceiveFilterSettings

pytestmark = pytest.mark.django_db


def _run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("cttoshiba", *args, stdout=out)
    return out.getvalue().splitlines()


def _events(study: Study) -> list[CtEvent]:
    return list(CtEvent.objects.filter(parent__parent=study).order_by("date_time_started"))


def test_study_stored_with_hand_calculated_values(tmp_path: Path) -> None:
    write_study(tmp_path)
    lines = _run(str(tmp_path))
    assert len(lines) == 1 and ": stored (study " in lines[0] and "4 event(s), total DLP 503 mGy.cm" in lines[0]
    study = Study.objects.get()
    assert study.source_kind == "ct_toshiba" and study.modality_type == "CT"
    assert study.total_dlp == pytest.approx(TOTAL_DLP)
    assert (study.number_of_events, study.number_of_spiral, study.number_of_axial, study.number_of_const_angle) == (
        4, 2, 1, 1)
    events = _events(study)
    for event, (code, ctdivol, _length, dlp) in zip(events, EXPECTED, strict=True):
        assert event.ct_acquisition_type_code.split("|")[0] == code
        assert event.mean_ctdivol == pytest.approx(ctdivol)
        assert event.dlp == pytest.approx(dlp)
        assert "derived from CT image headers" in event.comment
    assert "ct_toshiba" in (study.comment or "")
    assert ProcessedObject.objects.filter(study=study).count() == 1


def test_corrupt_file_is_reported_and_the_rest_imports(tmp_path: Path) -> None:
    write_study(tmp_path)
    bad = tmp_path / "corrupt.dcm"
    bad.write_bytes(b"DICM but not really" * 10)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command("cttoshiba", str(tmp_path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"{bad}: error (unreadable DICOM")
    assert ": stored (study " in lines[1]
    assert Study.objects.get().total_dlp == pytest.approx(TOTAL_DLP)
    assert FailedImport.objects.filter(path=str(bad)).exists()
    FailedImport.objects.all().delete()


def test_rerun_is_skipped_as_duplicate(tmp_path: Path) -> None:
    write_study(tmp_path)
    _run(str(tmp_path))
    again = _run(str(tmp_path))
    assert len(again) == 1 and ": already stored (" in again[0] and "already processed" in again[0]
    assert Study.objects.count() == 1 and len(_events(Study.objects.get())) == 4


def test_second_batch_adds_its_series_to_the_study(tmp_path: Path) -> None:
    paths = write_study(tmp_path / "all")
    first = [p for p in paths if p.parent.name in ("s1", "s2")]
    for index, path in enumerate(paths):
        target = tmp_path / ("one" if path in first else "two") / f"{index}.dcm"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    assert "2 event(s), total DLP 125 mGy.cm" in _run(str(tmp_path / "one"))[0]
    line = _run(str(tmp_path / "two"))[0]
    assert ": replaced (" in line and "4 event(s), total DLP 503 mGy.cm" in line
    study = Study.objects.get()
    assert study.total_dlp == pytest.approx(TOTAL_DLP) and len(_events(study)) == 4


def test_two_studies_one_bad_does_not_stop_the_other(tmp_path: Path) -> None:
    write_study(tmp_path / "a")
    write_study(tmp_path / "b", seed=3, model="LightSpeed Plus", manufacturer="GE MEDICAL SYSTEMS")
    lines = _run(str(tmp_path / "a"), str(tmp_path / "b"))
    assert ": stored (" in lines[0]
    assert ": skipped (GE MEDICAL SYSTEMS LightSpeed Plus is not in the Toshiba extractor systems list" in lines[1]
    assert Study.objects.count() == 1
    assert ": stored (" in _run("--any-system", str(tmp_path / "b"))[0]
    assert Study.objects.count() == 2


def test_allow_list_setting_is_honoured(tmp_path: Path) -> None:
    write_study(tmp_path)
    settings = ReceiveFilterSettings.get()
    settings.toshiba_extractor_systems = "Canon Aquilion ONE"
    settings.save()
    assert ": skipped (TOSHIBA Aquilion is not in" in _run(str(tmp_path))[0]
    settings.toshiba_extractor_systems = "Toshiba Aquilion"
    settings.save()
    assert ": stored (" in _run(str(tmp_path))[0]


def test_study_with_a_dose_report_is_skipped_and_a_late_report_replaces_derived(tmp_path: Path) -> None:
    paths = write_study(tmp_path / "images")
    uid = parse.read_dataset(paths[0].read_bytes())[0].StudyInstanceUID
    _run(str(tmp_path / "images"))
    rdsr = ct_rdsr()
    rdsr.StudyInstanceUID = uid
    parsed = parse.parse_path(write(rdsr, tmp_path / "rdsr.dcm"))
    assert parsed.report is not None
    result = ingest(parsed.report)
    assert result.action == "replaced" and "image-derived study" in result.detail
    study = Study.objects.get()
    assert study.source_kind == "ct_rdsr"
    line = _run(str(tmp_path / "images"))[0]
    assert ": skipped (already imported from the scanner's dose report as study " in line
    assert Study.objects.get().source_kind == "ct_rdsr"


def test_folder_without_ct_images_fails(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("not dicom")
    out = io.StringIO()
    with pytest.raises(CommandError, match="no CT images"):
        call_command("cttoshiba", str(tmp_path), stdout=out)
    FailedImport.objects.all().delete()


def test_study_counts_match_the_series() -> None:
    assert sum(len(s.positions_mm) for s in SERIES) == IMAGE_COUNT
