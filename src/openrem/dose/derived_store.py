"""Recompute the derived CT estimates (:mod:`openrem.dose.derived`) of stored studies from their rows.

Used by ``openrem derive_estimates`` after an upgrade (studies imported before the estimates existed)
or after a coefficient file changed. Studies are handled in batches: one SELECT of the event rows,
one bulk UPDATE of the events and one of the studies per batch.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from openrem.dose.derived import SSDE_COLUMNS, STUDY_COLUMNS, event_ssde, study_columns
from openrem.dose.models import CtEvent, Study

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
