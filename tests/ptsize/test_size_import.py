"""Patient size CSV import: a messy file gives exact per-row results; good rows stored, nothing else changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from factories import dx_image
from openrem.dose.ingest import ingest
from openrem.dose.models import Study
from openrem.jobs.models import TaskRecord
from openrem.ptsize.cli import main as cli_main
from openrem.ptsize.csvimport import CsvError, import_sizes
from openrem.ptsize.models import SizeUpload

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(2024, 5, 1, 9, 0)

# BOM, semicolons, decimal commas, cm and m heights, blank cells, text in number columns, unknown accessions
CSV = ("\ufeffAccession;Height;Weight;Note\r\n"
       "ACC1;175;70,5;cm height\r\n"
       "ACC2;1.62;;m height, no weight\r\n"
       "ACC3;;80;weight only\r\n"
       "NOPE;170;60;unknown accession\r\n"
       "ACC4;tall;65;text height\r\n"
       "ACC5;180;heavy;text weight\r\n"
       ";170;60;no accession\r\n"
       "ACC6;;;nothing\r\n"
       "ACC7;1750;70;out of range\r\n").encode()
EXPECTED_LOG = [
    "row 2: ACC1: study {ACC1}: height 1.75 m stored, weight 70.5 kg stored",
    "row 3: ACC2: study {ACC2}: height 1.62 m stored",
    "row 4: ACC3: study {ACC3}: weight kept (75 kg stored)",
    "row 5: NOPE: no study with this accession number: not used",
    "row 6: ACC4: height 'tall' is not a number: not used",
    "row 7: ACC5: weight 'heavy' is not a number: not used",
    "row 8: no accession number: not used",
    "row 9: ACC6: no height or weight: not used",
    "row 10: ACC7: height '1750' is out of range (0.2-2.8 m): not used",
]


def _studies() -> dict[str, int]:
    pks = {}
    for i in range(1, 8):
        report = dx_image(f"3.{i}", f"3.{i}.1", WHEN, dap=0.0001)
        report = replace(report, study=replace(report.study, accession_number=f"ACC{i}"))
        pks[f"ACC{i}"] = ingest(report).study_pk
    Study.objects.filter(pk=pks["ACC3"]).update(patient_weight=75.0)  # already known: kept
    return pks


def _snapshot() -> dict[int, dict[str, Any]]:
    return {s["id"]: s for s in Study.objects.order_by("pk").values()}


def _expected(pks: dict[str, int]) -> list[str]:
    return [line.format(**pks) for line in EXPECTED_LOG]


def test_messy_csv_exact_results() -> None:
    pks = _studies()
    before = _snapshot()
    result = import_sizes(CSV, "Accession", "Height", "Weight")
    assert result.lines == _expected(pks)
    assert (result.total, result.stored, result.failed) == (9, 3, 6)
    after = _snapshot()
    sizes = {acc: Study.objects.values_list("patient_size", "patient_weight").get(pk=pk) for acc, pk in pks.items()}
    assert sizes["ACC1"] == (pytest.approx(1.75), 70.5)
    assert sizes["ACC2"] == (pytest.approx(1.62), None)
    assert sizes["ACC3"] == (None, 75.0)
    changed = {pk for pk in before if before[pk] != after[pk]}
    assert changed == {pks["ACC1"], pks["ACC2"]}
    for pk in changed:  # only height, weight (and the update time) changed
        diff = {name for name, value in before[pk].items() if after[pk][name] != value}
        assert diff <= {"patient_size", "patient_weight", "updated_at"}


def test_overwrite_only_when_asked() -> None:
    pks = _studies()
    data = b"acc,h,w\nACC3,170,90\n"
    assert import_sizes(data, "acc", "h", "w").lines == [
        f"row 2: ACC3: study {pks['ACC3']}: height 1.7 m stored, weight kept (75 kg stored)"]
    assert import_sizes(data, "acc", "h", "w", overwrite=True).lines == [
        f"row 2: ACC3: study {pks['ACC3']}: height 1.7 m already stored, weight 90 kg stored (was 75)"]


def test_study_uid_and_unit_choice() -> None:
    pks = _studies()
    result = import_sizes(b"uid\theight\n3.1\t1.8\n3.2\t165\n", "uid", "height", "", by_uid=True, unit="cm")
    assert result.lines[1] == f"row 3: 3.2: study {pks['ACC2']}: height 1.65 m stored"
    assert "out of range" in result.lines[0]  # 1.8 cm


def test_unreadable_files() -> None:
    with pytest.raises(CsvError, match="no header row"):
        import_sizes(b"", "a", "b", "c")
    with pytest.raises(CsvError, match="not in the header row"):
        import_sizes(b"a,b\n1,2\n", "a", "height", "")


def test_cells_over_the_csv_field_limit() -> None:
    """A cell longer than the csv module's field limit (131,072 characters) is a CsvError naming the
    row, in the header (the upload form's check) or in the data (the import)."""
    huge = "h" * 200_000
    with pytest.raises(CsvError, match="header row cannot be read as CSV"):
        import_sizes(f'a,"{huge}\n'.encode(), "a", "b", "")
    with pytest.raises(CsvError, match="row 3 cannot be read as CSV"):
        import_sizes(f'Accession,Height\nACC1,170\nACC2,"{huge}\n'.encode(), "Accession", "Height", "")


def test_web_upload_of_a_csv_with_a_huge_cell_is_refused_with_its_reason() -> None:
    user = User.objects.create(username="sizer2")
    user.groups.add(Group.objects.get_or_create(name="importsizegroup")[0])
    client = Client()
    client.force_login(user)
    data = ("acc," + "h" * 200_000 + "\n1,2\n").encode()
    response = client.post("/ptsize/upload/", {"csv_file": SimpleUploadedFile("sizes.csv", data)})
    assert response.status_code == 400
    assert "cannot be read as CSV" in response.content.decode()
    assert not SizeUpload.objects.exists()


def test_cli(tmp_path: Path, capsys: Any) -> None:
    pks = _studies()
    path = tmp_path / "sizes.csv"
    path.write_bytes(CSV)
    assert cli_main(["-v", str(path), "Accession", "Height", "Weight"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [*_expected(pks), "9 rows: 3 stored, 6 not used"]
    path.write_bytes(b"uid,h,w\n3.4,1.5,50\n")
    assert cli_main(["--si-uid", str(path), "uid", "h", "w"]) == 0
    assert Study.objects.get(pk=pks["ACC4"]).patient_size == 1.5
    assert cli_main([str(tmp_path / "missing.csv"), "a", "b", "c"]) == 1


def _sizer(settings: Any, tmp_path: Path) -> Client:
    """A client logged in as a member of importsizegroup, with uploads kept under ``tmp_path``."""
    settings.MEDIA_ROOT = str(tmp_path)
    user = User.objects.create(username="sizer")
    user.groups.add(Group.objects.get_or_create(name="importsizegroup")[0])
    client = Client()
    client.force_login(user)
    return client


def test_web_upload_task_log_and_csv_deleted(settings: Any, tmp_path: Path,
                                             django_capture_on_commit_callbacks: Any) -> None:
    pks = _studies()
    client = _sizer(settings, tmp_path)
    response = client.post("/ptsize/upload/", {"csv_file": SimpleUploadedFile("sizes.csv", CSV)})
    upload = SizeUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ptsize/process/{upload.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert '<option value="Height">Height</option>' in page
    same = client.post(response["Location"], {"id_field": "Accession", "id_type": "accession",
                                              "height_field": "Accession", "height_unit": "auto"})
    assert same.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"id_field": "Accession", "id_type": "accession", "height_field": "Height",
                                           "height_unit": "auto", "weight_field": "Weight"})
    upload.refresh_from_db()
    assert upload.status == SizeUpload.COMPLETE
    assert upload.log.splitlines() == _expected(pks)
    assert (upload.rows_total, upload.rows_stored, upload.rows_failed) == (9, 3, 6)
    assert not upload.csv_file and list((tmp_path / "sizeupload").iterdir()) == []
    assert upload.task.status == TaskRecord.COMPLETE and upload.task.task_type == "import_size"
    log = client.get(f"/ptsize/imports/{upload.pk}/log/").content.decode()
    assert "row 5: NOPE: no study with this accession number: not used" in log
    assert "9 rows: 3 stored, 6 not used" in client.get("/ptsize/imports/").content.decode()
    client.post("/ptsize/imports/delete/", {"pk": [upload.pk]})
    assert not SizeUpload.objects.exists()


def test_a_column_title_longer_than_the_field_is_refused_with_the_reason(settings: Any, tmp_path: Path) -> None:
    client = _sizer(settings, tmp_path)

    long_title = "Height " + "x" * 300
    data = f"Accession,{long_title},Weight\nACC1,170,70\n".encode()
    response = client.post("/ptsize/upload/", {"csv_file": SimpleUploadedFile("sizes.csv", data)})
    upload = SizeUpload.objects.get()
    refused = client.post(response["Location"], {"id_field": "Accession", "id_type": "accession",
                                                 "height_field": long_title, "height_unit": "auto"})
    assert refused.status_code == 400 and "longer than 255 characters" in refused.content.decode()
    upload.refresh_from_db()
    assert upload.status == SizeUpload.UPLOADED and upload.height_field == ""


def test_upload_rejects_non_csv(settings: Any, tmp_path: Path) -> None:
    client = _sizer(settings, tmp_path)

    response = client.post("/ptsize/upload/", {"csv_file": SimpleUploadedFile("x.dcm", b"\x00\x01DICM\x00")})
    assert response.status_code == 400 and "not a text (CSV) file" in response.content.decode()
    assert not SizeUpload.objects.exists()
