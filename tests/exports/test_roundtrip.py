"""Round trip of every shared sample file through every CSV and XLSX export (SQLite and PostgreSQL).

The samples are imported once; each modality is exported in each format, read back with the csv
module or openpyxl, and every dose value is compared with the stored value in the unit named in
the column header (DAP stored in Gy.m2, exported in cGy.cm2; DLP mGy.cm; CTDIvol, AGD mGy; RP dose
Gy; activity MBq). The number of rows equals the number of studies (MG CSV: of acquisitions).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from export_support import read_csv, read_xlsx, shared_samples

from openrem.dose.models import Administration, CtEvent, ProjectionEvent, Study
from openrem.exports.run import CommandUser, run_export
from openrem.modalities.registry import MODALITIES
from openrem.web.filtering import filtered_studies

pytestmark = pytest.mark.shared

CGY_CM2 = 1e6  # Gy.m2 -> cGy.cm2 (the documented export unit of DAP)

# header -> (study field, factor) for the study totals
STUDY_TOTALS = {
    "ct": {"DLP total (mGy.cm)": ("total_dlp", 1.0)},
    "dx": {"DAP total (cGy.cm2)": ("total_dap", CGY_CM2)},
    "rf": {"DAP total (cGy.cm2)": ("total_dap", CGY_CM2), "RP dose total A (Gy)": ("total_rp_dose_a", 1.0),
           "RP dose total B (Gy)": ("total_rp_dose_b", 1.0)},
    "mg": {"AGD total left (mGy)": ("total_agd_left", 1.0), "AGD total right (mGy)": ("total_agd_right", 1.0)},
    "nm": {"Administered activity total (MBq)": ("total_administered_activity", 1.0)},
}
# event model, ordering, header -> (event field, factor)
EVENTS = {
    "ct": (CtEvent, ("date_time_started", "id"), {"DLP (mGy.cm)": ("dlp", 1.0), "CTDIvol (mGy)": ("mean_ctdivol", 1.0)}),
    "dx": (ProjectionEvent, ("date_time_started", "id"), {"DAP (cGy.cm2)": ("dose_area_product", CGY_CM2),
                                                           "Entrance exposure at RP (mGy)": ("entrance_exposure_at_rp", 1.0)}),
    "rf": (ProjectionEvent, ("date_time_started", "id"), {"DAP (cGy.cm2)": ("dose_area_product", CGY_CM2),
                                                           "RP dose (Gy)": ("dose_rp", 1.0)}),
    "mg": (ProjectionEvent, ("date_time_started", "id"), {"AGD (mGy)": ("average_glandular_dose", 1.0),
                                                           "ESD (mGy)": ("entrance_exposure_at_rp", 1.0)}),
    "nm": (Administration, ("radiopharmaceutical_start_datetime", "id"),
           {"Administered activity (MBq)": ("administered_activity", 1.0)}),
}


@pytest.fixture(scope="module")
def imported(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Every shared sample file imported once for the module (removed afterwards)."""
    from openrem.dose.services import import_file

    with django_db_blocker.unblock():
        for path in shared_samples():
            import_file(path)
        yield
        _remove_everything_the_imports_made()


def _remove_everything_the_imports_made() -> None:
    """The module's data lives outside the tests' transactions: remove all of it, so that later
    tests see an empty store (studies, systems, task records of the import-time tasks, failed imports)."""
    from openrem.alerts.models import AlertFiring, PeakSkinDose
    from openrem.dose.models import UniqueEquipment
    from openrem.importlog.models import FailedImport
    from openrem.jobs.models import TaskRecord

    AlertFiring.objects.all().delete()
    PeakSkinDose.objects.all().delete()
    Study.objects.all().delete()
    UniqueEquipment.objects.all().delete()
    TaskRecord.objects.all().delete()
    FailedImport.objects.all().delete()


def _studies(slug: str) -> list[Study]:
    """The studies of the unfiltered list, in the list's order (the order of the export rows)."""
    return list(filtered_studies(MODALITIES[slug], CommandUser(), {})[0])


def _events(slug: str, study: Study) -> list[dict[str, Any]]:
    model, order, cols = EVENTS[slug]
    return list(model.objects.filter(parent__parent=study).order_by(*order).values(*(f for f, _ in cols.values())))


def _in_unit(stored: float | None, factor: float) -> float | None:
    """The stored value in the export unit: a decimal shift for cGy.cm2 (no binary rounding)."""
    if stored is None:
        return None
    return float(Decimal(repr(stored)) * Decimal(repr(factor))) if factor != 1.0 else stored


def _number(value: Any) -> float | None:
    if value in (None, ""):
        return None
    return float(value)  # CSV text (repr) or an XLSX number


def _check_study(slug: str, study: Study, row: dict[str, Any], across: bool) -> int:
    checked = 0
    for header, (field, factor) in STUDY_TOTALS[slug].items():
        stored = getattr(study, field)
        assert _number(row[header]) == _in_unit(stored, factor), (study, header)
        checked += 1
    if across:
        for n, event in enumerate(_events(slug, study), start=1):
            for header, (field, factor) in EVENTS[slug][2].items():
                stored = event[field]
                assert _number(row[f"E{n} {header}"]) == _in_unit(stored, factor)
                checked += 1
    return checked


@pytest.mark.parametrize("slug", ["ct", "dx", "rf", "mg", "nm"])
def test_csv_round_trip(slug: str, imported: Any, db: Any, tmp_path: Path) -> None:
    studies = _studies(slug)
    assert studies, f"no {slug} sample studies"
    path = tmp_path / f"{slug}.csv"
    count = run_export(slug, "csv", {}, CommandUser(), str(path))
    rows = read_csv(path)
    assert count == len(studies)
    checked = 0
    if slug == "mg":  # one row per exposure, in study order
        pairs = [(study, event) for study in studies for event in _events(slug, study)]
        assert len(rows) == len(pairs)
        for row, (study, event) in zip(rows, pairs, strict=True):
            assert row["Study instance UID"] == study.study_instance_uid
            checked += _check_study(slug, study, row, across=False)
            for header, (field, factor) in EVENTS[slug][2].items():
                stored = event[field]
                assert _number(row[header]) == _in_unit(stored, factor)
    else:
        assert len(rows) == len(studies)
        for row, study in zip(rows, studies, strict=True):
            assert row["Study instance UID"] == study.study_instance_uid
            checked += _check_study(slug, study, row, across=slug != "rf")
    assert checked > 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dx_relative_exposure_with_its_unit(fmt: str, imported: Any, db: Any, tmp_path: Path) -> None:
    """The vendor-specific Relative X-Ray Exposure (0018,1405) is exported with its manufacturer's unit."""
    first = ProjectionEvent.objects.filter(relative_exposure_unit="EI (Mbels)").order_by("id")[0]
    study = first.parent.parent
    assert study.modality_type in ("CR", "DX")
    assert any(m in study.equipment.manufacturer.lower() for m in ("carestream", "kodak"))
    expected = sorted((e.relative_xray_exposure, e.relative_exposure_unit)
                      for e in ProjectionEvent.objects.filter(parent__parent=study))
    path = tmp_path / f"dx.{fmt}"
    run_export("dx", fmt, {}, CommandUser(), str(path))
    if fmt == "csv":
        (row,) = [r for r in read_csv(path) if r["Study instance UID"] == study.study_instance_uid]
        got = [(row[f"E{n} Relative exposure"], row[f"E{n} Relative exposure unit"])
               for n in range(1, len(expected) + 1)]
    else:
        got = [(r["Relative exposure"], r["Relative exposure unit"]) for name, sheet in read_xlsx(path).items()
               if name not in ("Summary", "All data") for r in sheet
               if r["Study instance UID"] == study.study_instance_uid]
    assert sorted((_number(value), unit) for value, unit in got) == expected


@pytest.mark.parametrize("slug", ["ct", "dx", "rf", "mg", "nm"])
def test_xlsx_round_trip(slug: str, imported: Any, db: Any, tmp_path: Path) -> None:
    studies = _studies(slug)
    path = tmp_path / f"{slug}.xlsx"
    run_export(slug, "xlsx", {}, CommandUser(), str(path))
    sheets = read_xlsx(path)
    assert list(sheets)[:2] == ["Summary", "All data"]
    all_data = sheets["All data"]
    assert len(all_data) == len(studies)
    for row, study in zip(all_data, studies, strict=True):
        assert row["Study instance UID"] == study.study_instance_uid
        _check_study(slug, study, row, across=slug != "rf")
    acquisitions = [(study, event) for study in studies for event in _events(slug, study)]
    per_sheet = [rows for name, rows in sheets.items() if name not in ("Summary", "All data")]
    assert sum(len(rows) for rows in per_sheet) == len(acquisitions)
    exported = sorted(_number(row[header]) or 0.0 for rows in per_sheet for row in rows
                      for header in EVENTS[slug][2])
    expected = sorted(_in_unit(float(event[field] or 0.0), factor) for _study, event in acquisitions
                      for field, factor in EVENTS[slug][2].values())
    assert exported == expected
    summary = [r["row"] for r in sheets["Summary"]]
    assert ("Total number of exams", len(studies)) == summary[1][:2]


def test_filter_selects_the_listed_studies(imported: Any, db: Any, tmp_path: Path) -> None:
    """The export holds exactly the studies of the list filter."""
    path = tmp_path / "ct.csv"
    wanted = Study.objects.filter(modality_type="CT", total_dlp__gte=500)
    count = run_export("ct", "csv", {"dlp_min": "500"}, CommandUser(), str(path))
    rows = read_csv(path)
    assert count == len(rows) == wanted.count() > 0
    assert {r["Study instance UID"] for r in rows} == set(wanted.values_list("study_instance_uid", flat=True))
