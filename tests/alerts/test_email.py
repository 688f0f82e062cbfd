"""Alert e-mail through a real SMTP server on 127.0.0.1: RF sample over the spec levels, CT over a DLP rule,
one message per study, and a broken server that leaves the import stored and the failure on the task page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from factories import ct_report
from openrem.alerts.models import AlertFiring, AlertRule
from openrem.alerts.tasks import run_check
from openrem.dose.ingest import ingest
from openrem.dose.models import Study
from openrem.dose.services import import_file
from openrem.jobs.models import TaskRecord

pytestmark = [pytest.mark.django_db]
RF_HIGH = "RF-Pat-Orientation-Modifier-Missing.dcm"  # 46,881 cGy.cm2 total DAP, 7.69 Gy at RP


def _body(message: Any, kind: str) -> str:
    for part in message.walk():
        if part.get_content_type() == kind:
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no {kind} part")


def _subscribe(preset: str, user: Any) -> AlertRule:
    rule = AlertRule.objects.get(preset=preset)
    rule.send_email = True
    rule.save()
    rule.recipients.add(user)
    return rule


@pytest.mark.shared
def test_rf_sample_over_the_spec_levels_is_mailed(smtp: Any, presets: None, physicist: Any, sample: Any,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    _subscribe("rf_total_dap", physicist)
    _subscribe("rf_total_rp_dose", physicist)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = import_file(str(sample(RF_HIGH)))
    assert not outcome.failed
    study = Study.objects.get(modality_type="RF")
    firings = {f.rule.preset: f for f in AlertFiring.objects.filter(study=study)}
    assert set(firings) == {"rf_total_dap", "rf_total_rp_dose"}
    assert firings["rf_total_dap"].value == pytest.approx(46881.0)
    assert firings["rf_total_rp_dose"].value == pytest.approx(7.68897349461299)
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert smtp.envelopes[0] == ("alerts@openrem.test", ["physicist@hospital.test"])
    text, html = _body(message, "text/plain"), _body(message, "text/html")
    link = f"https://openrem.test/rf/{study.pk}/"
    assert link in text and f'href="{link}"' in html
    assert "46,881 cGy·cm² > 20,000 cGy·cm²" in text
    assert "7.689 Gy > 2.000 Gy" in text  # four significant figures (openrem.modalities.units)
    assert "46,881 cGy·cm²" in html and "20,000 cGy·cm²" in html
    assert all(f.notified_at is not None for f in firings.values())
    email_task = TaskRecord.objects.get(task_type="alert_email")
    assert email_task.status == TaskRecord.COMPLETE and "physicist@hospital.test" in email_task.result
    # a re-check (a cumulative re-check, a rule change) sends nothing more
    run_check(study.pk, notify=True)
    assert len(smtp.messages) == 1


def test_ct_study_over_a_dlp_rule_is_mailed(smtp: Any, physicist: Any,
                                            django_capture_on_commit_callbacks: Any) -> None:
    rule = AlertRule.objects.create(name="Chest DLP", modality="ct", measure="total_dlp", threshold=150.0,
                                    protocol="chest", send_email=True)
    rule.recipients.add(physicist)
    AlertRule.objects.create(name="Head only", modality="ct", measure="total_dlp", threshold=10.0,
                             protocol="head", send_email=True).recipients.add(physicist)
    with django_capture_on_commit_callbacks(execute=True):
        under = ingest(ct_report("5.1", "5.1.1", ["a"], study_description="CT CHEST")).study_pk  # 100 mGy.cm
        over = ingest(ct_report("5.2", "5.2.1", ["b", "c"], study_description="CT CHEST",
                                accession_number="ACC-77")).study_pk  # 200 mGy.cm
    assert not AlertFiring.objects.filter(study_id=under).exists()
    firing = AlertFiring.objects.get(study_id=over)
    assert (firing.rule, firing.value, firing.threshold, firing.unit) == (rule, 200.0, 150.0, "mGy·cm")
    assert len(smtp.messages) == 1
    text = _body(smtp.messages[0], "text/plain")
    assert f"https://openrem.test/ct/{over}/" in text
    assert "Chest DLP (study): 200.0 mGy·cm > 150.0 mGy·cm" in text
    assert "ACC-77" in text
    assert "OpenREM dose alert: CT study" in smtp.messages[0]["Subject"]


@pytest.mark.shared
def test_broken_smtp_server_keeps_the_import_and_shows_the_failure(
        broken_smtp: Any, presets: None, physicist: Any, sample: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    _subscribe("rf_total_dap", physicist)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = import_file(str(sample(RF_HIGH)))
    assert not outcome.failed
    study = Study.objects.get(modality_type="RF")
    assert study.total_dap == pytest.approx(0.046881)
    firing = AlertFiring.objects.get(study=study, rule__preset="rf_total_dap")
    assert firing.notified_at is None  # still to be sent: the retry will send it
    record = TaskRecord.objects.get(task_type="alert_email")
    assert record.status == TaskRecord.FAILED
    assert "SMTPDataError" in record.error and "451" in record.error
    assert record.result == "attempt 1 of 4 failed; retry in 300 s"
    assert broken_smtp.messages == []
    client = Client()
    client.force_login(physicist)
    page = client.get("/tasks/").content.decode()
    assert "alert_email" in page and "SMTPDataError" in page


def test_a_failing_check_leaves_the_import_and_a_failed_task_record(
        monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any) -> None:
    """A check that raises (here: a rule whose measure reading breaks) is recorded; the study stays."""
    from openrem.alerts import engine

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("measure unreadable")

    monkeypatch.setattr(engine, "check_study", broken)
    with django_capture_on_commit_callbacks(execute=True):
        pk = ingest(ct_report("5.9", "5.9.1", ["z"])).study_pk
    assert Study.objects.filter(pk=pk).exists()
    record = TaskRecord.objects.get(task_type="alert_check")
    assert record.status == TaskRecord.FAILED and "measure unreadable" in record.error
    assert record.summary == f"study {pk} (stored)"
