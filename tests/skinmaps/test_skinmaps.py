"""Stored skin dose maps: on import, on first view, recalculation, list column and filter, safelist page."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "skin"))  # the hand-made reports

from skin_reports import event, report  # noqa: E402

from openrem.dose.ingest import ingest  # noqa: E402
from openrem.dose.models import Study  # noqa: E402
from openrem.jobs.models import TaskRecord  # noqa: E402
from openrem.skin import SkinMap, calculate  # noqa: E402
from openrem.skinmaps import services  # noqa: E402
from openrem.skinmaps.models import SafelistEntry, SkinDoseMap, SkinMapSettings  # noqa: E402

pytestmark = pytest.mark.django_db


def _rf(uid: str, *events: Any, **kw: Any) -> Any:
    rep = report(*(events or (event(uid=f"{uid}.e"),)), **kw)
    return dataclasses.replace(rep, study=dataclasses.replace(rep.study, study_instance_uid=uid,
                                                               sop_instance_uid=f"{uid}.1"))


def _user(group: str) -> Client:
    user = User.objects.create(username=f"u-{group}")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def safelisted() -> SafelistEntry:
    return SafelistEntry.objects.create(manufacturer="Test", model_name="Model")


def test_calculated_on_import_as_a_task(safelisted: SafelistEntry, django_capture_on_commit_callbacks: Any) -> None:
    rep = _rf("7.1")
    with django_capture_on_commit_callbacks(execute=True):
        pk = ingest(rep).study_pk
    result = SkinDoseMap.objects.get(study_id=pk)
    expected = calculate(rep)
    assert isinstance(expected, SkinMap)
    assert result.status == SkinDoseMap.CALCULATED
    assert result.peak_skin_dose_gy == pytest.approx(expected.peak_skin_dose_gy, rel=1e-6)
    assert services.peak_skin_dose_gy(pk) == result.peak_skin_dose_gy
    grid = services.dose_grid(result)
    assert grid is not None and grid.shape == (94, 90)
    assert (result.height_source, result.mass_source, result.orientation) == ("assumed", "assumed", "HFS")
    task = TaskRecord.objects.get(task_type="skin_map")
    assert task.status == TaskRecord.COMPLETE and "peak skin dose" in task.result


def test_skin_map_stored_signal(safelisted: SafelistEntry, django_capture_on_commit_callbacks: Any) -> None:
    from openrem.skinmaps.signals import skin_map_stored

    received: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    def broken(sender: Any, **kwargs: Any) -> None:
        raise RuntimeError("receiver bug")

    skin_map_stored.connect(receiver, dispatch_uid="test-receiver")
    skin_map_stored.connect(broken, dispatch_uid="test-broken")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            pk = ingest(_rf("7.9")).study_pk
    finally:
        skin_map_stored.disconnect(dispatch_uid="test-receiver")
        skin_map_stored.disconnect(dispatch_uid="test-broken")
    assert len(received) == 1
    assert received[0]["study_pk"] == pk and received[0]["status"] == "calculated"
    assert received[0]["peak_skin_dose_gy"] == SkinDoseMap.objects.get(study_id=pk).peak_skin_dose_gy


def test_not_safelisted_or_disabled_gives_a_message(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        pk = ingest(_rf("7.2")).study_pk
    assert not SkinDoseMap.objects.exists()
    client = _user("viewgroup")
    data = client.get(f"/skinmap/study/{pk}/").json()
    assert data["status"] == "disabled"
    assert "not on the skin dose map safelist" in data["message"]
    SafelistEntry.objects.create(manufacturer="Test", model_name="Model", software_version="other")
    assert client.get(f"/skinmap/study/{pk}/").json()["status"] == "disabled"  # another version only
    SafelistEntry.objects.create(manufacturer="Test", model_name="Model")
    config = SkinMapSettings.get()
    config.enabled = False
    config.save()
    assert "disabled" in client.get(f"/skinmap/study/{pk}/").json()["message"]


def test_calculated_on_first_view_and_recalculated_when_size_changes(safelisted: SafelistEntry) -> None:
    config = SkinMapSettings.get()
    config.calculate_on_import = False
    config.save()
    pk = ingest(_rf("7.3")).study_pk
    assert not SkinDoseMap.objects.exists() and services.peak_skin_dose_gy(pk) is None
    client = _user("viewgroup")
    data = client.get(f"/skinmap/study/{pk}/").json()
    assert data["status"] == "calculated"
    assert (data["rows"], data["columns"]) == (94, 90)
    assert len(data["dose_mgy"]) == 94 and len(data["dose_mgy"][0]) == 90
    first = SkinDoseMap.objects.get(study_id=pk)
    assert data["peak_skin_dose_mgy"] == pytest.approx(first.peak_skin_dose_gy * 1000)
    # a size import changes height and weight: the stored map is outdated, then recalculated
    Study.objects.filter(pk=pk).update(patient_size=1.50, patient_weight=50.0)
    assert services.peak_skin_dose_gy(pk) is None
    data = client.get(f"/skinmap/study/{pk}/").json()
    again = SkinDoseMap.objects.get(study_id=pk)
    assert (again.patient_height_cm, again.patient_mass_kg, again.height_source) == (150.0, 50.0, "extracted")
    assert again.torso_length_cm == 59 and data["info"]["height_cm"] == 150.0
    # a new calculation version also recalculates
    SkinDoseMap.objects.filter(pk=again.pk).update(version="0.0", peak_skin_dose_gy=99.0)
    client.get(f"/skinmap/study/{pk}/")
    assert SkinDoseMap.objects.get(pk=again.pk).peak_skin_dose_gy != 99.0


def test_unusable_report_is_stored_with_its_reason(safelisted: SafelistEntry,
                                                   django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        pk = ingest(_rf("7.4", event(uid="7.4.e", primary=None, secondary=None))).study_pk
    result = SkinDoseMap.objects.get(study_id=pk)
    assert result.status == SkinDoseMap.NOT_CALCULATED and result.peak_skin_dose_gy is None
    assert result.reason == "not calculated: no positioner angles (1 events)"
    assert TaskRecord.objects.get(task_type="skin_map").status == TaskRecord.FAILED
    data = _user("viewgroup").get(f"/skinmap/study/{pk}/").json()
    assert data == {"status": "not_calculated", "message": "not calculated: no positioner angles (1 events)"}


def test_rf_list_column_and_filter(safelisted: SafelistEntry, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        low = ingest(_rf("7.5")).study_pk
        high = ingest(_rf("7.6", event(uid="7.6.e", k_ref_gy=2.0, dap_gym2=0.02))).study_pk
    client = _user("viewgroup")
    page = client.get("/rf/").content.decode()
    assert "Peak skin dose" in page
    shown = client.get("/rf/?psd_min=0.5").context["rows"]
    assert [s.pk for s, _cols in shown] == [high]
    shown = client.get("/rf/?psd_max=0.5").context["rows"]
    assert [s.pk for s, _cols in shown] == [low]
    ordered = client.get("/rf/?o=-peak_skin_dose").context["rows"]
    assert [s.pk for s, _cols in ordered] == [high, low]


def test_safelist_page_adds_and_removes(django_capture_on_commit_callbacks: Any) -> None:
    pk = ingest(_rf("7.7")).study_pk
    equipment = Study.objects.get(pk=pk).equipment_id
    assert _user("viewgroup").get("/skinmap/safelist/").status_code in (302, 403)
    admin = _user("admingroup")
    assert "not enabled" in admin.get("/skinmap/safelist/").content.decode()
    admin.post("/skinmap/safelist/", {"action": "add_version", "equipment": equipment})
    entry = SafelistEntry.objects.get()
    assert (entry.manufacturer, entry.model_name, entry.software_version) == ("Test", "Model", "")
    admin.post("/skinmap/safelist/", {"action": "remove", "entry": entry.pk})
    assert not SafelistEntry.objects.exists()
    admin.post("/skinmap/safelist/", {"action": "settings", "enabled": "on"})
    config = SkinMapSettings.get()
    assert config.enabled and not config.calculate_on_import


def test_recalculate_is_for_admins(safelisted: SafelistEntry) -> None:
    pk = ingest(_rf("7.8")).study_pk
    assert _user("viewgroup").post(f"/skinmap/study/{pk}/recalculate/").status_code in (302, 403)
    assert not SkinDoseMap.objects.exists()
    response = _user("admingroup").post(f"/skinmap/study/{pk}/recalculate/")
    assert response.status_code == 302 and response["Location"].endswith(f"/rf/{pk}/#skin-dose-map")
    assert SkinDoseMap.objects.get(study_id=pk).status == SkinDoseMap.CALCULATED
