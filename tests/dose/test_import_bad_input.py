"""Bad input gets a clear result line, stores nothing partial, and the next file imports normally."""

from __future__ import annotations

import os
from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from openrem.dose.models import ProcessedObject, Study
from openrem.dose.services import import_file

pytestmark = pytest.mark.django_db
GOOD = "CT-RDSR-Siemens-Multi-1.dcm"


def _write(ds: Dataset, path: Path) -> Path:
    ds.save_as(path, enforce_file_format=True)
    return path


def _image(tmp_path: Path, sop_class: str, modality: str) -> Path:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = generate_uid()
    ds.Modality = modality
    return _write(ds, tmp_path / f"{modality}.dcm")


def _check_then_good(path: Path, expected: str, reason_part: str, sample) -> None:  # type: ignore[no-untyped-def]
    before = Study.objects.count()
    outcome = import_file(path)
    assert outcome.outcome == expected, outcome.line()
    assert reason_part.lower() in outcome.detail.lower(), outcome.line()
    assert Study.objects.count() == before
    good = import_file(sample(GOOD))
    assert good.outcome == "stored", good.line()


def test_random_bytes(tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "random.dcm"
    path.write_bytes(os.urandom(5000))
    _check_then_good(path, "error", "unreadable", sample)


def test_text_file(tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "notes.txt"
    path.write_text("patient dose notes\n" * 50)
    _check_then_good(path, "error", "unreadable", sample)


def test_truncated_report(tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    data = sample(GOOD).read_bytes()
    path = tmp_path / "truncated.dcm"
    path.write_bytes(data[: len(data) // 2])
    _check_then_good(path, "error", "", sample)


def test_corrupted_sequence(tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(sample(GOOD).read_bytes())
    idx = data.find(b"\x40\x00\x30\xa7")  # (0040,A730) Content Sequence
    assert idx > 0
    item = data.find(b"\xfe\xff\x00\xe0", idx + 12)  # an item header inside it
    item = data.find(b"\xfe\xff\x00\xe0", item + 8)
    data[item: item + 4] = b"\x12\x34\x56\x78"  # garbage in place of the item tag
    path = tmp_path / "corrupt.dcm"
    path.write_bytes(bytes(data))
    _check_then_good(path, "error", "", sample)


def test_unsupported_image_kind(tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    path = _image(tmp_path, "1.2.840.10008.5.1.4.1.1.2", "CT")  # CT Image Storage
    _check_then_good(path, "not a dose object", "not a dose object", sample)


def test_sr_that_is_not_a_dose_report(sample) -> None:  # type: ignore[no-untyped-def]
    _check_then_good(sample("ESR_non-dose.dcm"), "not a dose object", "not a radiation dose report", sample)


def test_report_without_study_uid(tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    ds = pydicom.dcmread(sample(GOOD))
    del ds.StudyInstanceUID
    path = _write(ds, tmp_path / "no-study-uid.dcm")
    _check_then_good(path, "error", "study instance uid", sample)


def test_report_missing_mandatory_items_keeps_what_is_valid(tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    ds = pydicom.dcmread(sample(GOOD))
    root = ds.ContentSequence
    ds.ContentSequence = [item for item in root
                          if item.ConceptNameCodeSequence[0].CodeValue != "113811"]  # drop TID 10012
    path = _write(ds, tmp_path / "no-accumulated.dcm")
    outcome = import_file(path)
    assert outcome.outcome == "stored", outcome.line()
    assert "warning" in outcome.detail
    study = Study.objects.get()
    assert study.number_of_events == 1 and study.warnings


def test_resent_after_failure_imports_once(tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    data = sample(GOOD).read_bytes()
    broken = tmp_path / "half.dcm"
    broken.write_bytes(data[: len(data) - 200])
    assert import_file(broken).outcome == "error"
    assert import_file(sample(GOOD)).outcome == "stored"
    assert import_file(sample(GOOD)).outcome == "already stored"
    assert Study.objects.count() == 1 and ProcessedObject.objects.count() == 1


def test_file_names_that_are_not_utf8_do_not_stop_a_batch(tmp_path: Path) -> None:
    """A file name whose bytes are not UTF-8 (Python keeps them as surrogate escapes, PEP 383) is
    stored, listed as failed and printed with those bytes as ``\\xNN``; the batch goes on."""
    import io
    import random

    from django.core.management import call_command

    from openrem.dicom import synth
    from openrem.importlog.models import FailedImport

    folder = tmp_path / "in"
    folder.mkdir()
    bad = Path(os.fsdecode(bytes(folder) + b"/a_r\xe9sum\xe9.dcm"))
    bad.write_bytes(os.urandom(3000))
    good_odd = Path(os.fsdecode(bytes(folder) + b"/b_t\xf3rax.dcm"))
    synth.write(synth.ct_rdsr(random.Random(11)), good_odd)
    good = synth.write(synth.ct_rdsr(random.Random(12)), folder / "c_good.dcm")
    out = io.StringIO()
    with pytest.raises(Exception, match="1 of 3 file"):
        call_command("import_dicom", str(folder), stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith(f"{folder}/a_r\\xe9sum\\xe9.dcm: error ("), lines[0]
    assert lines[1].startswith(f"{folder}/b_t\\xf3rax.dcm: stored"), lines[1]
    assert lines[2].startswith(f"{good}: stored"), lines[2]
    assert FailedImport.objects.get().path == f"{folder}/a_r\\xe9sum\\xe9.dcm"
    assert set(ProcessedObject.objects.values_list("source_name", flat=True)) == {"b_t\\xf3rax.dcm", "c_good.dcm"}
