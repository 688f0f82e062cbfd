"""Safe files: formula injection, RFC 4180 quoting, BOM, numbers as numbers, IDs as text, XLSX formats."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from export_support import read_csv, read_xlsx
from openpyxl import load_workbook

from factories import ct_report, rf_report
from openrem.dose.ingest import ingest
from openrem.exports.cells import csv_text, neutralise
from openrem.exports.run import CommandUser, ExportError, run_export

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://x","y")'


def _hostile_ct() -> None:
    report = ct_report("7.1", "7.1.1", ["h1"], study_description=HOSTILE, accession_number="007",
                       study_id="-5")
    ct = report.ct_radiation_dose[0]
    event = replace(ct.events[0], acquisition_protocol=HOSTILE, comment='a, "quoted"\nline')
    ingest(replace(report, ct_radiation_dose=(replace(ct, events=(event,)),)))


def test_neutralise() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(text) == "'" + text
    assert neutralise("Chest") == "Chest"
    assert csv_text(-12.5) == "-12.5"  # numbers are not text: no apostrophe


def test_hostile_text_is_inert_in_csv(tmp_path: Path) -> None:
    _hostile_ct()
    path = tmp_path / "ct.csv"
    run_export("ct", "csv", {}, CommandUser(), str(path))
    row = read_csv(path)[0]
    assert row["Study description"] == "'" + HOSTILE
    assert row["E1 Protocol"] == "'" + HOSTILE
    assert row["E1 Comments"] == 'a, "quoted"\nline'  # RFC 4180 quoting keeps commas, quotes and newlines
    assert row["Accession number"] == "007"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b'"\'=HYPERLINK(""http://x"",""y"")"' in raw


def test_hostile_text_is_inert_in_xlsx(tmp_path: Path) -> None:
    _hostile_ct()
    path = tmp_path / "ct.xlsx"
    run_export("ct", "xlsx", {}, CommandUser(), str(path))
    book = load_workbook(path)
    sheet = book["All data"]
    header = [c.value for c in sheet[1]]
    cells = {h: c for h, c in zip(header, sheet[2], strict=False)}
    for name in ("Study description", "E1 Protocol"):
        assert cells[name].value == HOSTILE and cells[name].data_type == "s"  # a string, never a formula
    assert cells["Accession number"].value == "007" and cells["Accession number"].data_type == "s"
    assert cells["E1 DLP (mGy.cm)"].data_type == "n" and cells["E1 DLP (mGy.cm)"].value == 100.0
    assert cells["Study date"].number_format == "dd/mm/yyyy"
    assert cells["Study date"].value == dt.datetime(2024, 3, 1)
    assert cells["Study time"].number_format == "hh:mm:ss"
    assert HOSTILE in book.sheetnames[2] or "HYPERLINK" in book.sheetnames[2]  # sheet name made safe
    assert not any(ch in book.sheetnames[2] for ch in "[]:*?/\\")


def test_xlsx_formats_follow_the_settings(tmp_path: Path, settings: Any) -> None:
    settings.XLSX_DATE, settings.XLSX_TIME = "mm/dd/yyyy", "hh:mm"
    ingest(ct_report("7.2", "7.2.1", ["a"]))
    path = tmp_path / "ct.xlsx"
    run_export("ct", "xlsx", {}, CommandUser(), str(path))
    sheet = load_workbook(path)["All data"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("Study date") + 1).number_format == "mm/dd/yyyy"
    assert sheet.cell(2, header.index("Study time") + 1).number_format == "hh:mm"


def test_negative_numbers_stay_numbers(tmp_path: Path) -> None:
    report = rf_report("7.3", "7.3.1")
    proj = report.projection_xray_radiation_dose[0]
    event = replace(proj.events[0], acquisition_protocol="-Cardiac",
                    mechanical=None)
    ingest(replace(report, projection_xray_radiation_dose=(replace(proj, events=(event,)),)))
    from openrem.dose.models import ProjectionEvent

    ProjectionEvent.objects.update(positioner_primary_angle=-30.5)
    path = tmp_path / "rf.xlsx"
    run_export("rf", "xlsx", {}, CommandUser(), str(path))
    sheets = read_xlsx(path)
    row = sheets["-Cardiac"][0] if "-Cardiac" in sheets else next(
        rows[0] for name, rows in sheets.items() if "Cardiac" in name)
    assert row["Primary angle (deg)"] == -30.5
    assert row["Protocol"] == "-Cardiac"  # a string cell (the reader gives the text back unchanged)


def test_command_line_export_with_bom_and_filters(tmp_path: Path) -> None:
    ingest(ct_report("7.4", "7.4.1", ["a", "b"], study_description="Head"))
    ingest(ct_report("7.5", "7.5.1", ["c"], study_description="Chest"))
    path = tmp_path / "out.csv"
    call_command("export", "ct", "--format", "csv", "--filter", "study_description=head", "--bom", "-o", str(path))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = read_csv(path)
    assert [r["Study description"] for r in rows] == ["Head"]
    assert rows[0]["E2 DLP (mGy.cm)"] == "100.0"
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No studies match"):
        call_command("export", "ct", "--filter", "study_description=nothing", "-o", str(path))
    with pytest.raises(CommandError, match="invalid filter"):
        call_command("export", "ct", "--filter", "dlp_min=lots", "-o", str(path))
    with pytest.raises(ExportError):
        run_export("nm", "nhsbsp", {}, CommandUser(), str(path))
