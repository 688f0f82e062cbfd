"""Recompute the derived CT and NM estimates (:mod:`openrem.dose.derived`) of stored studies from their rows.

Used by ``openrem derive_estimates`` after an upgrade (studies imported before the estimates existed)
or after a coefficient file changed. Studies are handled in batches: one SELECT of the event rows,
one bulk UPDATE of the events and one of the studies per batch.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from openrem.dose.derived import (
    ESTIMATE_COLUMNS,
    SSDE_COLUMNS,
    STUDY_COLUMNS,
    event_ssde,
    nm_effective_dose_columns,
    study_columns,
)
from openrem.dose.models import Administration, CtEvent, Study

BATCH = 500
_EVENT_FIELDS = ("id", "parent__parent_id", "mean_ctdivol", "ctdiw_phantom_type_code",
                 "water_equivalent_diameter", "dlp", "target_region_code")


def refresh_ct_estimates(studies: QuerySet[Study]) -> int:
    """Recompute SSDE and effective dose estimates of the CT studies in ``studies``; returns the count."""
    ids = list(studies.filter(ctradiationdose_set__isnull=False).distinct().order_by("id")
               .values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        _refresh_batch(ids[start:start + BATCH])
    return len(ids)


def _refresh_batch(study_ids: list[int]) -> None:
    by_study: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in CtEvent.objects.filter(parent__parent_id__in=study_ids).values(*_EVENT_FIELDS):
        row.update(event_ssde(row["mean_ctdivol"], row["ctdiw_phantom_type_code"], row["water_equivalent_diameter"],
                              row["target_region_code"]))
        by_study[row["parent__parent_id"]].append(row)
    events, studies = [], []
    ages = dict(Study.objects.filter(id__in=study_ids).values_list("id", "patient_age_decimal"))
    for study_id in study_ids:
        rows = by_study.get(study_id, [])
        events += [CtEvent(id=row["id"], **{c: row[c] for c in SSDE_COLUMNS}) for row in rows]
        values = study_columns((row["ssde_mgy"] for row in rows),
                               ((row["dlp"], row["target_region_code"]) for row in rows), ages.get(study_id))
        studies.append(Study(id=study_id, **values))
    with transaction.atomic():
        CtEvent.objects.bulk_update(events, list(SSDE_COLUMNS), batch_size=BATCH)
        Study.objects.bulk_update(studies, list(STUDY_COLUMNS), batch_size=BATCH)


def refresh_nm_estimates(studies: QuerySet[Study]) -> int:
    """Recompute the NM effective dose estimates of the studies in ``studies`` that hold administrations
    and no CT events (those keep the CT estimate); returns the count."""
    ids = list(studies.filter(radiopharmaceuticaldose_set__isnull=False, ctradiationdose_set__isnull=True)
               .distinct().order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        by_study: dict[int, list[tuple[float | None, str | None]]] = defaultdict(list)
        rows = Administration.objects.filter(parent__parent_id__in=batch).values_list(
            "parent__parent_id", "administered_activity", "radiopharmaceutical_agent_code")
        for study_id, activity_mbq, agent_key in rows:
            by_study[study_id].append((activity_mbq, agent_key))
        studies_out = [Study(id=study_id, **nm_effective_dose_columns(by_study.get(study_id, [])))
                       for study_id in batch]
        with transaction.atomic():
            Study.objects.bulk_update(studies_out, list(ESTIMATE_COLUMNS), batch_size=BATCH)
    return len(ids)
