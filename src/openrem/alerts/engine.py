"""The alert check of one study: every enabled rule of its modality, firings stored, e-mail queued.

A study is checked when it is stored (:mod:`openrem.alerts.receivers`) and again when a rule or the
fluoroscopy settings change (:func:`openrem.alerts.tasks.recheck_task`). Each (rule, study, scope) has at
most one firing row: a re-check updates its value and marks it inactive when the value no longer exceeds
the threshold, so a re-check never duplicates firings nor e-mails (only firings never notified are
e-mailed, and only by the check that follows an import).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openrem.alerts.measures import DRL, EVENT, MEASURES, SCANNER, Measure
from openrem.alerts.models import AlertFiring, AlertRule
from openrem.dose.models import StandardName, Study
from openrem.dose.standard_names import study_name_q
from openrem.modalities.registry import MODALITIES, for_modality_type


@dataclass(frozen=True)
class Finding:
    """A rule exceeded: what, by how much, and where."""

    scope: str
    value: float
    threshold: float | None
    unit: str
    detail: str = ""


def rules_for(study: Study) -> list[AlertRule]:
    """Enabled rules that apply to the study's modality and system."""
    modality = for_modality_type(study.modality_type)
    if modality is None:
        return []
    return list(AlertRule.objects.filter(Q(equipment__isnull=True) | Q(equipment_id=study.equipment_id),
                                         enabled=True, modality=modality.slug))


def _study_matches(rule: AlertRule, study: Study) -> bool:
    if rule.protocol:
        text = rule.protocol.lower()
        fields = (study.study_description, study.procedure_code_meaning, study.requested_procedure_code_meaning)
        if not any(text in (f or "").lower() for f in fields):
            return False
    if rule.standard_name and rule.modality.upper() in ("CT", "DX", "RF", "MG"):
        return Study.objects.filter(study_name_q(rule.modality, rule.standard_name), pk=study.pk).exists()
    return True


def _acquisition_names(rule: AlertRule) -> list[str] | None:
    if not rule.standard_name:
        return None
    return [str(n) for n in StandardName.objects.filter(modality=rule.modality.upper(), standard_name__iexact=rule.standard_name,
                                            acquisition_protocol__isnull=False)
                .values_list("acquisition_protocol", flat=True)]


def cumulative_value(measure: Measure, study: Study, weeks: int) -> tuple[float | None, int]:
    """(sum of the measure over the patient's studies of the window, number of studies)."""
    from openrem.alerts.cumulative import study_moment

    moment = study_moment(study.study_datetime, study.study_date)
    modality = for_modality_type(study.modality_type)
    if measure.study_value is None or not study.patient_id or moment is None or modality is None:
        return None, 0
    start = moment - dt.timedelta(weeks=weeks)
    window = Study.objects.filter(patient_id=study.patient_id, patient_id_hashed=study.patient_id_hashed,
                                  modality_type__in=modality.modality_types).filter(
        Q(study_datetime__range=(start, moment))
        | Q(study_datetime__isnull=True, study_date__range=(start.date(), moment.date())))
    values = [measure.study_value(s) for s in window.only("pk", "patient_id", *measure.study_columns)] \
        if measure.study_columns else []
    present = [v for v in values if v is not None]
    return (sum(present) if present else None), len(values)


def evaluate(rule: AlertRule, study: Study, rf_weeks: int | None = None) -> list[Finding]:
    """What ``rule`` finds in ``study`` (nothing when the rule does not apply or is not exceeded)."""
    measure = MEASURES.get(rule.measure)
    if measure is None or rule.modality not in measure.modalities or not _study_matches(rule, study):
        return []
    if measure.level in (EVENT, SCANNER):
        return _evaluate_events(rule, measure, study)
    if measure.level == DRL:
        from openrem.alerts.drl import evaluate_drl

        return evaluate_drl(rule, measure, study)
    value = measure.study_value(study) if measure.study_value else None
    out = []
    if value is not None and rule.threshold is not None and value > rule.threshold:
        out.append(Finding(AlertFiring.STUDY, value, rule.threshold, measure.unit))
    weeks = rule.cumulative_weeks
    if weeks and measure.study_columns:
        total, count = cumulative_value(measure, study, weeks)
        if total is not None and rule.threshold is not None and total > rule.threshold and count > 1:
            out.append(Finding(AlertFiring.CUMULATIVE, total, rule.threshold, measure.unit,
                               f"{count} studies in {weeks} weeks"))
    return out


def _evaluate_events(rule: AlertRule, measure: Measure, study: Study) -> list[Finding]:
    assert measure.events is not None
    values = measure.events(study, rule.protocol, _acquisition_names(rule))
    if measure.level == SCANNER:
        if not values:
            return []
        return [Finding(AlertFiring.SCANNER, max(v.value for v in values), None, measure.unit,
                        "; ".join(v.detail for v in values)[:255])]
    over = [v for v in values if rule.threshold is not None and v.value > rule.threshold]
    if not over:
        return []
    worst = max(over, key=lambda v: v.value)
    detail = worst.detail if len(over) == 1 else f"{worst.detail} ({len(over)} events over)"
    return [Finding(AlertFiring.EVENT, worst.value, rule.threshold, measure.unit, detail[:255])]


def check_study(study_pk: int) -> list[int]:
    """Check a study against every applicable rule and store the firings (one transaction).

    Returns the pks of the firings that are active and were never e-mailed."""
    study = Study.objects.filter(pk=study_pk).first()
    if study is None:
        return []
    found: dict[tuple[int, str], tuple[AlertRule, Finding]] = {}
    for rule in rules_for(study):
        for finding in evaluate(rule, study):
            found[(rule.pk, finding.scope)] = (rule, finding)
    now = timezone.now()
    with transaction.atomic():
        existing = {(f.rule_id, f.scope): f for f in AlertFiring.objects.select_for_update().filter(study=study)}
        for key, (rule, finding) in found.items():
            _store(existing.get(key), rule, study, finding, now)
        stale = [f.pk for key, f in existing.items() if key not in found and f.active]
        AlertFiring.objects.filter(pk__in=stale).update(active=False, checked_at=now)
    return list(AlertFiring.objects.filter(study=study, active=True, notified_at__isnull=True)
                .values_list("pk", flat=True))


def _store(firing: AlertFiring | None, rule: AlertRule, study: Study, finding: Finding, now: Any) -> None:
    fields = {"value": finding.value, "threshold": finding.threshold, "unit": finding.unit,
              "detail": finding.detail, "active": True, "checked_at": now}
    if firing is None:
        AlertFiring.objects.create(rule=rule, study=study, scope=finding.scope, **fields)
    else:
        AlertFiring.objects.filter(pk=firing.pk).update(**fields)


def modality_slugs() -> list[str]:
    return list(MODALITIES)
