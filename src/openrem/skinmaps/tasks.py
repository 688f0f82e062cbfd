"""Background calculation of a skin dose map (huey), with its task record."""

from __future__ import annotations

import logging

from huey.contrib.djhuey import db_task

from openrem.jobs.models import TaskRecord
from openrem.jobs.tasks import _finish, _start

log = logging.getLogger("openrem.skinmaps")


@db_task(context=False)  # type: ignore[untyped-decorator]
def skin_map_task(record_id: int, study_pk: int) -> None:
    """Calculate and store the map of one study; the outcome goes into the task record."""
    from openrem.dose.models import Study
    from openrem.skinmaps.models import SkinDoseMap
    from openrem.skinmaps.services import calculate_and_store

    if _start(record_id) is None:
        return
    study = Study.objects.select_related("equipment").filter(pk=study_pk).first()
    if study is None:
        _finish(record_id, TaskRecord.FAILED, error=f"study {study_pk} no longer exists")
        return
    result = calculate_and_store(study)
    if result.status == SkinDoseMap.CALCULATED:
        _finish(record_id, TaskRecord.COMPLETE,
                result=f"peak skin dose {result.peak_skin_dose_gy * 1000:.2f} mGy")  # type: ignore[operator]
    else:
        _finish(record_id, TaskRecord.FAILED, error=result.reason)
