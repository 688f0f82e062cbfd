"""Cumulative patient dose: per study, the sum over the same patient's studies of the previous N weeks.

Spec ("Alerts for cumulative dose over a period of time"): for each fluoroscopy study, earlier studies
with the same stored patient ID (plain or hashed: both the value and the hashed flag must match) are
looked up and their DAP and dose at RP summed with the study's own. The window of a study at time *t*
is [t - N weeks, t], both ends included; later studies never count. Studies without a stored patient
ID or without a date get no cumulative total (``None``).

The sums are kept in ``Study.total_dap_delta_weeks`` (Gy·m², like ``total_dap``) and
``Study.total_rp_dose_delta_weeks`` (Gy, the larger plane of each study, see
:func:`openrem.alerts.measures.rp_dose_gy`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from openrem.alerts.measures import rp_dose_gy
from openrem.dose.models import Study

RF_TYPES = ("RF",)
FIELDS = ("pk", "patient_id", "patient_id_hashed", "study_datetime", "study_date", "total_dap", "total_rp_dose_a",
          "total_rp_dose_b", "total_dap_delta_weeks", "total_rp_dose_delta_weeks")


def window_sums(times: Sequence[dt.datetime], values: Sequence[float | None], weeks: int) -> list[float | None]:
    """For each point i (``times`` sorted ascending), the sum of ``values[j]`` with
    ``times[i] - weeks <= times[j] <= times[i]``; ``None`` when every value in the window is missing."""
    span = dt.timedelta(weeks=weeks)
    out: list[float | None] = []
    start = 0
    for i, t in enumerate(times):
        while times[start] < t - span:
            start += 1
        end = i
        while end + 1 < len(times) and times[end + 1] == t:  # studies at the same moment see each other
            end += 1
        present = [v for v in values[start:end + 1] if v is not None]
        out.append(sum(present) if present else None)
    return out


def study_moment(study_datetime: dt.datetime | None, study_date: dt.date | None) -> dt.datetime | None:
    """The time a study is placed at: its date and time, else the start of its date, else ``None``."""
    if study_datetime is not None:
        return study_datetime
    if study_date is not None:
        return timezone.make_aware(dt.datetime.combine(study_date, dt.time()))
    return None


def _patient_q(patient_id: str, hashed: bool) -> Q:
    return Q(patient_id=patient_id, patient_id_hashed=hashed, modality_type__in=RF_TYPES)


def _apply(rows: Sequence[dict[str, Any]], weeks: int) -> list[tuple[int, float | None, float | None]]:
    """(pk, DAP sum, RP dose sum) for every row (rows of one patient, sorted by time)."""
    times = [r["moment"] for r in rows]
    daps = window_sums(times, [r["total_dap"] for r in rows], weeks)
    rps = window_sums(times, [rp_dose_gy(_Row(r)) for r in rows], weeks)
    return [(r["pk"], d, p) for r, d, p in zip(rows, daps, rps, strict=True)]


class _Row:
    def __init__(self, row: dict[str, Any]) -> None:
        self.total_rp_dose_a = row["total_rp_dose_a"]
        self.total_rp_dose_b = row["total_rp_dose_b"]


def _with_moments(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        row["moment"] = study_moment(row["study_datetime"], row["study_date"])
        if row["moment"] is not None:
            out.append(row)
    out.sort(key=lambda r: (r["moment"], r["pk"]))
    return out


def _save(results: Iterable[tuple[int, float | None, float | None]], current: dict[int, tuple[Any, Any]]) -> int:
    changed = 0
    for pk, dap, rp in results:
        if current.get(pk) != (dap, rp):
            Study.objects.filter(pk=pk).update(total_dap_delta_weeks=dap, total_rp_dose_delta_weeks=rp)
            changed += 1
    return changed


def update_for_study(study_pk: int, weeks: int) -> list[int]:
    """Recalculate the cumulative totals of a newly stored study and of the same patient's later studies
    whose window reaches it; returns the pks of the studies whose totals changed."""
    study = Study.objects.filter(pk=study_pk, modality_type__in=RF_TYPES).values(*FIELDS).first()
    if study is None:
        return []
    moment = study_moment(study["study_datetime"], study["study_date"])
    if not study["patient_id"] or moment is None:
        Study.objects.filter(pk=study_pk).update(total_dap_delta_weeks=None, total_rp_dose_delta_weeks=None)
        return []
    span = dt.timedelta(weeks=weeks, days=1)
    near = Study.objects.filter(_patient_q(study["patient_id"], study["patient_id_hashed"])).filter(
        Q(study_datetime__range=(moment - span, moment + span))
        | Q(study_datetime__isnull=True, study_date__range=((moment - span).date(), (moment + span).date())))
    rows = _with_moments(near.values(*FIELDS))
    affected = {r["pk"] for r in rows if r["moment"] >= moment}
    current = {r["pk"]: (r["total_dap_delta_weeks"], r["total_rp_dose_delta_weeks"]) for r in rows}
    results = [res for res in _apply(rows, weeks) if res[0] in affected]
    with transaction.atomic():
        _save(results, current)
    return sorted(pk for pk, _dap, _rp in results)


def recalculate_all(weeks: int, progress: Callable[[int, int], bool] | None = None) -> int:
    """Recalculate the totals of every fluoroscopy study, one patient at a time (streamed in patient
    order); ``progress(done, total)`` is called per patient and stops the work when it returns False.
    Returns the number of studies whose totals changed."""
    studies: QuerySet[Study] = Study.objects.filter(modality_type__in=RF_TYPES)
    no_patient = studies.filter(Q(patient_id__isnull=True) | Q(patient_id=""))
    no_patient.exclude(total_dap_delta_weeks=None, total_rp_dose_delta_weeks=None).update(
        total_dap_delta_weeks=None, total_rp_dose_delta_weeks=None)
    with_patient = studies.exclude(pk__in=no_patient.values("pk"))
    total = with_patient.count()
    done = changed = 0
    batch: list[dict[str, Any]] = []
    key: tuple[Any, Any] | None = None
    for row in with_patient.order_by("patient_id", "patient_id_hashed", "pk").values(*FIELDS).iterator(2000):
        row_key = (row["patient_id"], row["patient_id_hashed"])
        if key is not None and row_key != key:
            changed += _flush(batch, weeks)
            done += len(batch)
            batch = []
            if progress is not None and not progress(done, total):
                return changed
        key = row_key
        batch.append(row)
    changed += _flush(batch, weeks)
    if progress is not None:
        progress(total, total)
    return changed


def _flush(batch: list[dict[str, Any]], weeks: int) -> int:
    if not batch:
        return 0
    current = {r["pk"]: (r["total_dap_delta_weeks"], r["total_rp_dose_delta_weeks"]) for r in batch}
    rows = _with_moments(batch)
    dated = {r["pk"] for r in rows}
    results = _apply(rows, weeks) + [(pk, None, None) for pk in current if pk not in dated]
    with transaction.atomic():
        return _save(results, current)


def window_studies(study: Study, weeks: int) -> QuerySet[Study]:
    """The same patient's fluoroscopy studies in the window of ``study`` (itself included), oldest first."""
    moment = study_moment(study.study_datetime, study.study_date)
    if not study.patient_id or moment is None:
        return Study.objects.none()
    start = moment - dt.timedelta(weeks=weeks)
    return Study.objects.filter(_patient_q(study.patient_id, study.patient_id_hashed)).filter(
        Q(study_datetime__range=(start, moment))
        | Q(study_datetime__isnull=True, study_date__range=(start.date(), moment.date()))
    ).select_related("equipment").order_by("study_datetime", "pk")
