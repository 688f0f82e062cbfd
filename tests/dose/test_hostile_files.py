"""One file never stops the others: every crash class once seen when fuzzing, first in a batch.

Each class of :mod:`openrem.dicom.synth.hostile` is checked to really be that class (the raw layer
raises the exception it used to), then imported first in a batch, by ``openrem import`` and by
the background folder task: its result line names the problem, the good files after it are
stored, nothing partial is stored and no traceback reaches the output.
"""

from __future__ import annotations

import io
import math
import random
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pydicom.errors import BytesLengthException

from openrem.dicom import srtree, synth
from openrem.dicom.classify import classify
from openrem.dicom.parse import MAX_SR_DEPTH, parse_bytes
from openrem.dicom.rawseq import RawParseError
from openrem.dicom.synth import hostile
from openrem.dose.models import CtEvent, ProcessedObject, Study
from openrem.importlog.models import FailedImport
from openrem.jobs.models import TaskRecord
from openrem.jobs.service import queue_folder_import

REFUSED = {  # class -> (exception the raw layer raises, words of the result line)
    "code_sequence_wrong_vr": (AttributeError, "AttributeError"),
    "deep_nesting": (RecursionError, f"nested deeper than {MAX_SR_DEPTH} levels"),
    "truncated_sequence": (RawParseError, "sequence truncated"),
    "flipped_vr_length": (BytesLengthException, "BytesLengthException"),
    "flipped_vr_unknown": (NotImplementedError, "Unknown Value Representation"),
}
CLEANED = {  # class -> words of the warning in the result line and on the study
    "huge_integer": "CtEvent.number_of_xray_sources = an integer of 309 digits",
    "infinite_values": "CtEvent.mean_ctdivol = inf mGy: not a finite number",
    "negative_dose": "CtEvent.mean_ctdivol = -500.0 mGy: negative",
    "nul_in_text": "NUL byte(s) removed",
    "nul_in_warning": "Mean CTDIvol: no value (Measurement\\x00failure)",
    "overlong_names": "Study.study_description: 3000 characters (9000 bytes) cut to the first 666",
    "impossible_age": "Patient.age = '-05Y': not an age of 0 to 150 years",
}


def test_every_class_is_covered() -> None:
    assert set(REFUSED) | set(CLEANED) == set(hostile.BUILDERS)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_class_raises_in_the_raw_layer(name: str) -> None:
    """The generated file really is its crash class: reading it raw raises that exception."""
    data = hostile.BUILDERS[name](0)
    with pytest.raises(REFUSED[name][0]):
        ds, root = srtree.read_file(data)
        classify(ds, root)


def test_huge_integer_would_overflow_a_column() -> None:
    report = parse_bytes(hostile.huge_integer(0)).report
    assert report is not None
    assert report.ct_radiation_dose[0].events[0].number_of_xray_sources == int(1e308)


def test_depth_limit_is_exact() -> None:
    """Exactly MAX_SR_DEPTH levels below the root are read; one more is refused (no recursion needed)."""
    # the appended chain sits one level below the root's content sequence
    ok = parse_bytes(hostile.deep_nesting(0, levels=MAX_SR_DEPTH))
    assert ok.report is not None, ok.reason
    deep = parse_bytes(hostile.deep_nesting(0, levels=MAX_SR_DEPTH + 1))
    assert deep.report is None and f"deeper than {MAX_SR_DEPTH}" in deep.reason


def _batch(folder: Path, name: str) -> list[Path]:
    folder.mkdir()
    first = folder / f"0-{name}.dcm"
    first.write_bytes(hostile.BUILDERS[name](1))
    good = [synth.write(synth.ct_rdsr(random.Random(seed)), folder / f"{seed}-good.dcm") for seed in (2, 3)]
    return [first, *good]


def _assert_good_files_stored(good: list[Path]) -> None:
    for path in good:
        assert ProcessedObject.objects.filter(source_name=path.name).exists(), path
    for study in Study.objects.all():  # nothing partial: every study has its events and object
        assert study.number_of_events and CtEvent.objects.filter(parent__parent=study).count() == study.number_of_events
        assert ProcessedObject.objects.filter(study=study).exists()


def _assert_finite_and_not_negative() -> None:
    for row in CtEvent.objects.values("mean_ctdivol", "dlp", "number_of_xray_sources"):
        for value in row.values():
            assert value is None or (math.isfinite(value) and value >= 0), row


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(hostile.BUILDERS))
def test_cli_batch_goes_on_after_a_hostile_file(name: str, tmp_path: Path) -> None:
    files = _batch(tmp_path / "in", name)
    out = io.StringIO()
    if name in REFUSED:
        with pytest.raises(CommandError, match="1 of 3 file"):
            call_command("import_dicom", str(tmp_path / "in"), stdout=out)
    else:
        call_command("import_dicom", str(tmp_path / "in"), stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and "Traceback" not in out.getvalue()
    if name in REFUSED:
        assert lines[0].startswith(f"{files[0]}: error (") and REFUSED[name][1] in lines[0], lines[0]
        entry = FailedImport.objects.get()
        assert entry.path == str(files[0]) and REFUSED[name][1] in entry.reason
        assert Study.objects.count() == 2
    else:
        assert lines[0].startswith(f"{files[0]}: stored") and CLEANED[name] in lines[0], lines[0]
        study = Study.objects.get(processed_objects__source_name=files[0].name)
        assert any(CLEANED[name] in w for w in study.warnings)
        assert not FailedImport.objects.exists() and Study.objects.count() == 3
    assert all(": stored" in line for line in lines[1:]), lines
    _assert_good_files_stored(files[1:])
    _assert_finite_and_not_negative()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["deep_nesting", "huge_integer", "truncated_sequence", "flipped_vr_unknown"])
def test_background_task_goes_on_after_a_hostile_file(name: str, tmp_path: Path) -> None:
    files = _batch(tmp_path / "in", name)
    record = queue_folder_import(str(tmp_path / "in"))
    record.refresh_from_db()
    assert record.progress == "3 of 3 files"
    if name in REFUSED:
        assert record.status == TaskRecord.FAILED
        assert record.result == "3 of 3 files: 1 error, 2 stored"
        assert f"{files[0]}: error" in record.error and "Traceback" not in record.error
        assert FailedImport.objects.filter(path=str(files[0])).exists()
    else:
        assert record.status == TaskRecord.COMPLETE, record.error
        assert record.result == "3 of 3 files: 3 stored"
    _assert_good_files_stored(files[1:])
    _assert_finite_and_not_negative()
