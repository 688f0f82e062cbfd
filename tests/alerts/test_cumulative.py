"""Cumulative patient dose over N weeks: a patient with studies 1, 5 and 13 weeks apart, by ID and by hash."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from factories import rf_report
from openrem.alerts.cumulative import recalculate_all, update_for_study, window_sums
from openrem.alerts.models import AlertSettings
from openrem.dose.ingest import ingest
from openrem.dose.models import PatientIDSettings, Study

T0 = dt.datetime(2024, 1, 3, 9, 30)
OFFSETS_WEEKS = (0, 1, 6, 19)  # consecutive studies 1, 5 and 13 weeks apart
DAPS = (0.001, 0.002, 0.004, 0.008)  # Gy.m2 (1,000 to 8,000 cGy.cm2)
EXPECTED = {  # N weeks -> summed DAP per study, in study order
    4: (0.001, 0.003, 0.004, 0.008),
    12: (0.001, 0.003, 0.007, 0.008),
}


def test_window_sums_pure() -> None:
    times = [T0 + dt.timedelta(weeks=w) for w in OFFSETS_WEEKS]
    for weeks, expected in EXPECTED.items():
        assert window_sums(times, list(DAPS), weeks) == pytest.approx(list(expected))
    # both ends of the window are included; missing values are skipped; all missing gives None
    assert window_sums([T0, T0 + dt.timedelta(weeks=4)], [1.0, 2.0], 4) == [1.0, 3.0]
    assert window_sums([T0, T0 + dt.timedelta(weeks=1)], [None, 2.0], 4) == [None, 2.0]


def _store(patient_id: str, when: dt.datetime, dap: float, uid: str) -> int:
    report = rf_report(uid, f"{uid}.1", dap=dap)
    report = replace(report, study=replace(report.study, study_date=when.date(), study_time=when.time()),
                     patient=replace(report.patient, patient_id=patient_id))
    return ingest(report).study_pk


def _patient(hashed: bool) -> list[int]:
    settings = PatientIDSettings.get()
    settings.id_stored, settings.id_hashed = True, hashed
    settings.save()
    pks = [_store("PAT-1", T0 + dt.timedelta(weeks=w), dap, f"7.{i}") for i, (w, dap) in
           enumerate(zip(OFFSETS_WEEKS, DAPS, strict=True))]
    _store("PAT-2", T0 + dt.timedelta(weeks=1, days=1), 0.5, "7.90")  # another patient: never summed
    return pks


@pytest.mark.django_db
@pytest.mark.parametrize("hashed", [False, True], ids=["by-id", "by-hash"])
def test_n_week_sums_of_one_patient(hashed: bool) -> None:
    pks = _patient(hashed)
    stored = Study.objects.get(pk=pks[0])
    assert stored.patient_id_hashed is hashed
    assert (stored.patient_id == "PAT-1") is not hashed
    for weeks, expected in EXPECTED.items():
        recalculate_all(weeks)
        got = [Study.objects.get(pk=pk).total_dap_delta_weeks for pk in pks]
        assert got == pytest.approx(list(expected)), weeks
        rp = [Study.objects.get(pk=pk).total_rp_dose_delta_weeks for pk in pks]
        assert rp == pytest.approx([0.05 * n for n in _counts(weeks)]), weeks  # 0.05 Gy per study


def _counts(weeks: int) -> list[int]:
    return [1, 2, 1, 1] if weeks == 4 else [1, 2, 3, 1]


@pytest.mark.django_db
def test_hashed_and_plain_ids_are_different_patients() -> None:
    settings = PatientIDSettings.get()
    settings.id_stored, settings.id_hashed = True, False
    settings.save()
    plain = _store("PAT-1", T0, 0.001, "8.1")
    settings.id_hashed = True
    settings.save()
    hashed = _store("PAT-1", T0 + dt.timedelta(days=2), 0.002, "8.2")
    recalculate_all(12)
    assert Study.objects.get(pk=plain).total_dap_delta_weeks == pytest.approx(0.001)
    assert Study.objects.get(pk=hashed).total_dap_delta_weeks == pytest.approx(0.002)


@pytest.mark.django_db
def test_import_updates_the_new_study_and_later_ones(django_capture_on_commit_callbacks: Any) -> None:
    """A study imported late (out of order) changes the sums of the later studies in its window."""
    settings = PatientIDSettings.get()
    settings.id_stored, settings.id_hashed = True, True
    settings.save()
    alert_settings = AlertSettings.get()
    alert_settings.cumulative_weeks = 12
    alert_settings.save()
    with django_capture_on_commit_callbacks(execute=True):
        late = _store("PAT-9", T0 + dt.timedelta(weeks=6), 0.004, "9.3")
        first = _store("PAT-9", T0, 0.001, "9.1")
    assert Study.objects.get(pk=first).total_dap_delta_weeks == pytest.approx(0.001)
    assert Study.objects.get(pk=late).total_dap_delta_weeks == pytest.approx(0.005)
    assert update_for_study(first, 4) == [first]  # with 4 weeks the later study is out of reach
    assert Study.objects.get(pk=late).total_dap_delta_weeks == pytest.approx(0.005)  # untouched


@pytest.mark.django_db
def test_no_patient_id_no_sum() -> None:
    pk = _store("", T0, 0.001, "6.1")
    recalculate_all(12)
    assert Study.objects.get(pk=pk).total_dap_delta_weeks is None
