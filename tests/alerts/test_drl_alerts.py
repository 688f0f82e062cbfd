"""DRL exceedance rules: each study above the DRL of its mapped examination (e-mailed through a real SMTP
server on 127.0.0.1), and the weekly / monthly median per system above the DRL (hand-calculated medians,
one firing per period)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from factories import ct_report
from openrem.alerts.drl import period_bounds
from openrem.alerts.engine import check_study
from openrem.alerts.forms import AlertRuleForm
from openrem.alerts.models import AlertFiring, AlertRule
from openrem.dose.ingest import ingest
from openrem.dose.models import StandardName, Study, UniqueEquipment
from openrem.drl.csvio import parse_drl_file
from openrem.drl.library import store_set
from openrem.drl.models import DrlExamMapping, DrlSet

pytestmark = [pytest.mark.django_db]
LOCAL = """# Set: Test local CT
# Version: 1
# Valid from: 2030-01-01
# Source: Test values for the alert tests
exam,quantity,value,unit
Head,dlp,150,mGy.cm
"""


def _head_set() -> DrlSet:
    drl_set = store_set(parse_drl_file(LOCAL))
    StandardName.objects.create(standard_name="Head", modality="CT", study_description="CT HEAD")
    DrlExamMapping.objects.create(drl_set=drl_set, exam="Head", standard_name="Head")
    return drl_set


def _body(message: Any) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return str(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
    raise AssertionError("no text part")


def test_study_above_the_drl_of_its_exam_is_mailed(smtp: Any, physicist: Any,
                                                   django_capture_on_commit_callbacks: Any) -> None:
    _head_set()  # newest CT set with DLP values (valid from 2030): the rule names no set
    rule = AlertRule.objects.create(name="Head DRL", modality="ct", measure="drl_dlp", send_email=True)
    rule.recipients.add(physicist)
    with django_capture_on_commit_callbacks(execute=True):
        under = ingest(ct_report("7.1", "7.1.1", ["a"], study_description="CT HEAD")).study_pk  # 100 mGy.cm
        over = ingest(ct_report("7.2", "7.2.1", ["b", "c"], study_description="CT HEAD")).study_pk  # 200
        other = ingest(ct_report("7.3", "7.3.1", ["d", "e", "f"], study_description="CT CHEST")).study_pk
    assert not AlertFiring.objects.filter(study_id__in=[under, other]).exists()
    firing = AlertFiring.objects.get(study_id=over)
    assert (firing.scope, firing.value, firing.threshold, firing.unit) == ("study", 200.0, 150.0, "mGy·cm")
    assert firing.detail == "Test local CT (1) · Head"
    assert len(smtp.messages) == 1
    text = _body(smtp.messages[0])
    assert "Head DRL (study): 200.0 mGy·cm > 150.0 mGy·cm [Test local CT (1) · Head]" in text
    # the UK set chosen on the rule: 200 is under its head DLP NDRL of 790 mGy.cm
    rule.drl_set = DrlSet.objects.get(name="UK NDRL adult CT")
    rule.save()
    check_study(over)
    assert not AlertFiring.objects.get(study_id=over).active


def _room(name: str) -> UniqueEquipment:
    return UniqueEquipment.objects.create(identity_hash=name * 10, fields_hash=name * 10, display_name=name)


def _study(room: UniqueEquipment, day: dt.date, dlp: float, description: str = "CT HEAD") -> Study:
    n = Study.objects.count()
    return Study.objects.create(study_instance_uid=f"8.8.{n}", modality_type="CT", source_kind="test",
                                study_date=day, study_description=description, total_dlp=dlp, equipment=room)


def test_weekly_median_per_system_above_the_drl_fires_once() -> None:
    _head_set()
    AlertRule.objects.create(name="Head weekly median", modality="ct", measure="drl_dlp", drl_period="week")
    a, b = _room("CTA"), _room("CTB")
    # week Mon 2026-03-02 .. Sun 2026-03-08, room A: 100, 200, 200, 300 -> median (200 + 200) / 2 = 200 > 150
    first = _study(a, dt.date(2026, 3, 2), 100)
    week = [first, _study(a, dt.date(2026, 3, 4), 200), _study(a, dt.date(2026, 3, 8), 200),
            _study(a, dt.date(2026, 3, 6), 300)]
    _study(a, dt.date(2026, 3, 9), 5000)  # next week: not in the median
    _study(a, dt.date(2026, 3, 3), 5000, "CT CHEST")  # other examination
    quiet = _study(b, dt.date(2026, 3, 3), 100)  # room B: 100, 140, 900 -> median 140 <= 150
    _study(b, dt.date(2026, 3, 4), 140), _study(b, dt.date(2026, 3, 5), 900)
    for s in week:
        check_study(s.pk)
    firing = AlertFiring.objects.get(scope="drl_period")
    assert firing.study_id == first.pk  # the first study checked carries the period's firing
    assert (firing.value, firing.threshold) == (200.0, 150.0)
    assert firing.detail.startswith("week 2026-03-02–2026-03-08: median of 4 studies; Test local CT (1) · Head")
    check_study(first.pk)  # a re-check keeps the one firing
    assert AlertFiring.objects.filter(scope="drl_period", active=True).count() == 1
    check_study(quiet.pk)
    assert not AlertFiring.objects.filter(study__equipment=b).exists()


def test_period_bounds() -> None:
    assert period_bounds(dt.date(2026, 3, 4), "week") == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert period_bounds(dt.date(2024, 2, 15), "month") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert period_bounds(dt.date(2025, 12, 31), "month") == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))


def test_rule_form_for_drl_measures() -> None:
    uk = DrlSet.objects.get(name="UK NDRL adult CT")
    base = {"name": "DRL", "modality": "ct", "measure": "drl_dlp", "drl_period": "month", "enabled": "on"}
    assert AlertRuleForm(data={**base, "drl_set": uk.pk}).is_valid()  # no threshold needed
    wrong = AlertRuleForm(data={**base, "modality": "dx", "measure": "drl_dap", "drl_set": uk.pk})
    assert not wrong.is_valid() and "drl_set" in wrong.errors
    not_drl = AlertRuleForm(data={**base, "measure": "total_dlp", "threshold": "100"})
    assert not not_drl.is_valid() and "drl_set" in not_drl.errors
