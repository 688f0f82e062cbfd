"""DRL exceedance rules: a study's dose, or the median of a system's studies of one examination over the
study's week or month, above the diagnostic reference level of its examination (ICRP Publication 135:
DRLs apply to the median of a sample of standard patients, so the period median is the comparison the
publication intends; the per-study comparison flags single studies for review).

The examination of a study is the DRL examination mapped to the standard study name its description,
requested procedure or procedure maps to (``openrem.drl.lookup``). The DRL set is the rule's, or the newest
set of the modality with values for the quantity. A period finding is stored once per rule, system,
examination and period: on the first study whose check finds the median above the DRL; later studies of the
same period add no further firing (and no further e-mail) while that firing is active.
"""

from __future__ import annotations

import datetime as dt
import statistics

from django.db.models import Q

from openrem.alerts.engine import Finding
from openrem.alerts.measures import Measure
from openrem.alerts.models import AlertFiring, AlertRule
from openrem.dose.models import StandardName, Study
from openrem.dose.standard_names import STUDY_SOURCES, study_name_q
from openrem.drl.lookup import ExamDrl, chosen_set, drls_by_standard_name
from openrem.drl.models import DrlSet
from openrem.drl.units import convert
from openrem.modalities.registry import for_modality_type


def study_standard_names(modality: str, study: Study) -> set[str]:
    """The standard study names (case-folded) the study's description, requested procedure or procedure
    maps to."""
    query = Q()
    for source, field in STUDY_SOURCES.items():
        value = getattr(study, field)
        if value:
            query |= Q(**{source: value})
    if not query:
        return set()
    return {n.strip().casefold() for n in StandardName.objects.filter(query, modality=modality)
            .values_list("standard_name", flat=True)}


def study_drl(drl_set: DrlSet, quantity: str, study: Study) -> tuple[ExamDrl, list[str]] | None:
    """The DRL of the study's examination and the standard names mapped to that examination."""
    modality = drl_set.modality
    by_name = drls_by_standard_name(drl_set, quantity)
    found = {by_name[n] for n in study_standard_names(modality, study) if n in by_name}
    if len(found) != 1:
        return None
    exam = found.pop()
    names = [m.standard_name for m in drl_set.mappings.filter(exam=exam.exam)]
    return exam, names


def period_bounds(day: dt.date, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of the ISO week (Monday to Sunday) or calendar month containing ``day``."""
    if period == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def evaluate_drl(rule: AlertRule, measure: Measure, study: Study) -> list[Finding]:
    """The DRL findings of ``study``: scope ``study`` (its value above the DRL) or ``drl_period``."""
    modality = rule.modality.upper()
    set_pk = getattr(rule, "drl_set_id", None)
    drl_set = chosen_set(str(set_pk) if set_pk else "auto", modality, measure.drl_quantity)
    if drl_set is None or measure.study_value is None:
        return []
    match = study_drl(drl_set, measure.drl_quantity, study)
    if match is None:
        return []
    exam, names = match
    try:
        drl_value = convert(exam.value, exam.unit, measure.unit)
    except ValueError:
        return []
    label = f"{drl_set} · {exam.exam}"
    if not rule.drl_period:
        value = measure.study_value(study)
        if value is None or not value > drl_value:
            return []
        return [Finding(AlertFiring.STUDY, value, drl_value, measure.unit, label[:255])]
    return _period_finding(rule, measure, study, names, drl_value, label)


def _period_finding(rule: AlertRule, measure: Measure, study: Study, names: list[str], drl_value: float,
                    label: str) -> list[Finding]:
    modality = for_modality_type(study.modality_type)
    if study.study_date is None or modality is None:
        return []
    start, end = period_bounds(study.study_date, rule.drl_period)
    by_name = Q()
    for name in names:
        by_name |= study_name_q(rule.modality, name)
    peers = Study.objects.filter(by_name, modality_type__in=modality.modality_types,
                                 equipment_id=study.equipment_id, study_date__range=(start, end))
    read = measure.study_value
    assert read is not None
    values = [v for v in (read(s) for s in peers.only("pk", *measure.study_columns)) if v is not None]
    if not values:
        return []
    med = statistics.median(values)
    if not med > drl_value:
        return []
    if AlertFiring.objects.filter(rule=rule, scope=AlertFiring.DRL_PERIOD, active=True,
                                  study__in=peers).exclude(study=study).exists():
        return []  # this period is reported already
    detail = f"{rule.drl_period} {start.isoformat()}–{end.isoformat()}: median of {len(values)} studies; {label}"
    return [Finding(AlertFiring.DRL_PERIOD, med, drl_value, measure.unit, detail[:255])]
