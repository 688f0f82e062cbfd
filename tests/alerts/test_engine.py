"""The rule engine: scanner dose checks from a real RDSR, event and cumulative rules, protocol and system
filters, re-checks after a rule change (firings updated, never duplicated, no e-mail)."""

from __future__ import annotations

from typing import Any

import pytest

from factories import ct_report
from openrem.alerts.engine import check_study
from openrem.alerts.hooks import peak_skin_dose_stored
from openrem.alerts.models import AlertFiring, AlertRule
from openrem.alerts.service import queue_recheck
from openrem.dose.ingest import ingest
from openrem.dose.models import Study, UniqueEquipment
from openrem.dose.services import import_file
from openrem.jobs.models import TaskRecord

pytestmark = pytest.mark.django_db


@pytest.mark.shared
def test_scanner_dose_check_alert_of_a_real_rdsr(presets: None, sample: Any) -> None:
    assert not import_file(str(sample("CT-RDSR-Toshiba_DoseCheck.dcm"))).failed
    study = Study.objects.get()
    check_study(study.pk)
    firing = AlertFiring.objects.get(study=study, rule__preset="ct_dose_check_alert")
    assert firing.scope == AlertFiring.SCANNER
    assert firing.value == pytest.approx(502.4)
    assert "251.2 > 100 mGy·cm" in firing.detail and "502.4 > 100 mGy·cm" in firing.detail
    assert "10.6 > 10 mGy" in firing.detail
    assert not AlertFiring.objects.filter(rule__preset="ct_dose_check_notification").exists()


def test_event_rule_reports_the_largest_event_and_protocol_filter() -> None:
    pk = ingest(ct_report("4.1", "4.1.1", ["e1", "e2"])).study_pk  # two events of 5 mGy, protocol "Chest"
    AlertRule.objects.create(name="CTDIvol", modality="ct", measure="event_ctdivol", threshold=4.0)
    AlertRule.objects.create(name="Head CTDIvol", modality="ct", measure="event_ctdivol", threshold=4.0,
                             protocol="head")
    check_study(pk)
    firing = AlertFiring.objects.get(study_id=pk)
    assert (firing.rule.name, firing.scope, firing.value, firing.unit) == ("CTDIvol", "event", 5.0, "mGy")
    assert firing.detail.startswith("Chest") and firing.detail.endswith("(2 events over)")


def test_system_filter() -> None:
    pk = ingest(ct_report("4.2", "4.2.1", ["e1"])).study_pk
    other = UniqueEquipment.objects.create(identity_hash="x" * 64, fields_hash="y" * 64, display_name="Other")
    AlertRule.objects.create(name="Other only", modality="ct", measure="total_dlp", threshold=1.0, equipment=other)
    check_study(pk)
    assert not AlertFiring.objects.exists()


def test_cumulative_rule_for_ct() -> None:
    from openrem.dose.models import PatientIDSettings

    settings = PatientIDSettings.get()
    settings.id_stored = True
    settings.save()
    AlertRule.objects.create(name="DLP 12 weeks", modality="ct", measure="total_dlp", threshold=250.0,
                             cumulative_weeks=12)
    first = ingest(ct_report("4.3", "4.3.1", ["a", "b"])).study_pk  # 200 mGy.cm
    second = ingest(ct_report("4.4", "4.4.1", ["c"])).study_pk  # 100 mGy.cm, same patient and date
    check_study(second)
    firing = AlertFiring.objects.get(study_id=second)
    assert (firing.scope, firing.value, firing.threshold) == ("cumulative", 300.0, 250.0)
    assert firing.detail == "2 studies in 12 weeks"
    check_study(first)  # its own 200 mGy.cm is under the threshold; the sum is the same window
    assert AlertFiring.objects.get(study_id=first).scope == "cumulative"


def test_rule_change_rechecks_without_duplicates(django_capture_on_commit_callbacks: Any, smtp: Any,
                                                 physicist: Any) -> None:
    rule = AlertRule.objects.create(name="DLP", modality="ct", measure="total_dlp", threshold=50.0,
                                    send_email=True)
    rule.recipients.add(physicist)
    with django_capture_on_commit_callbacks(execute=True):
        pk = ingest(ct_report("4.5", "4.5.1", ["a"])).study_pk  # 100 mGy.cm
    assert len(smtp.messages) == 1
    rule.threshold = 80.0
    rule.save()
    with django_capture_on_commit_callbacks(execute=True):
        record = queue_recheck(["ct"])
    firing = AlertFiring.objects.get(study_id=pk)
    assert (firing.active, firing.threshold) == (True, 80.0)
    rule.threshold = 150.0
    rule.save()
    with django_capture_on_commit_callbacks(execute=True):
        queue_recheck(["ct"])
    firing = AlertFiring.objects.get(study_id=pk)  # still one row, now inactive
    assert firing.active is False
    record.refresh_from_db()
    assert record.status == TaskRecord.COMPLETE and record.progress == "1 of 1 studies"
    assert len(smtp.messages) == 1  # re-checks send no e-mail


def test_peak_skin_dose_hook(presets: None, django_capture_on_commit_callbacks: Any) -> None:
    from factories import rf_report

    pk = ingest(rf_report("4.6", "4.6.1")).study_pk
    with django_capture_on_commit_callbacks(execute=True):
        peak_skin_dose_stored(pk, 2.5)
    firing = AlertFiring.objects.get(study_id=pk, rule__preset="rf_peak_skin_dose")
    assert (firing.value, firing.threshold, firing.unit) == (2.5, 2.0, "Gy")
    with django_capture_on_commit_callbacks(execute=True):
        peak_skin_dose_stored(pk, 1.5)
    assert AlertFiring.objects.get(pk=firing.pk).active is False


def test_stored_skin_dose_map_is_checked(presets: None, django_capture_on_commit_callbacks: Any) -> None:
    """A skin dose map stored by the skin dose code (skinmaps.SkinDoseMap) re-checks its study."""
    from factories import rf_report
    from openrem.skinmaps.models import SkinDoseMap

    pk = ingest(rf_report("4.7", "4.7.1")).study_pk
    with django_capture_on_commit_callbacks(execute=True):
        SkinDoseMap.objects.create(study_id=pk, status=SkinDoseMap.CALCULATED, version="test",
                                   peak_skin_dose_gy=3.25)
    firing = AlertFiring.objects.get(study_id=pk, rule__preset="rf_peak_skin_dose")
    assert (firing.value, firing.threshold) == (3.25, 2.0)
