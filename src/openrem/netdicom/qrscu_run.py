"""Running a query-retrieve: the C-FINDs, the pruning, the records, the C-MOVEs and the progress text.

:func:`run_query` fills ``Query``/``QueryStudy``/``QuerySeries``/``QueryImage`` (dropped items keep
their reason); :func:`run_move` moves what was kept to the query's store node. Both check
``jobs.service.should_stop`` between remote operations when run as a task. Log lines go to the
``openrem.netdicom.qr`` logger (``openrem_qr.log``) prefixed with the query id.
"""

from __future__ import annotations

import logging
import time
from collections.abc import MutableMapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from openrem.netdicom import qr_params
from openrem.netdicom.models_query import Query, QueryImage, QuerySeries, QueryStudy
from openrem.netdicom.prune import (
    finalise,
    prune_series_level,
    prune_studies,
    reason_counts,
    remove_duplicates,
    series_needing_duplicate_check,
)
from openrem.netdicom.prune_modality import (
    first_image_series,
    prune_by_modality,
    resolve_first_image,
    sr_series_to_query,
)
from openrem.netdicom.prune_types import GROUPS, Options, Study
from openrem.netdicom.qrscu import (
    QRError,
    Session,
    find_images,
    find_series,
    find_studies,
    move_image,
    move_series,
)

base_log = logging.getLogger("openrem.netdicom.qr")


class QueryLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Prefixes every line with the query id."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        return f"[query {self.extra['qid'] if self.extra else '?'}] {msg}", kwargs


class Stopped(Exception):
    """Termination was requested."""


def _stage(query: Query, text: str) -> None:
    query.stage = text
    Query.objects.filter(pk=query.pk).update(stage=text)


def _check_stop(record_id: int | None) -> None:
    from openrem.jobs.service import should_stop

    if record_id is not None and should_stop(record_id):
        raise Stopped


def session_for(query: Query) -> Session:
    """The association parameters of the query's remote node."""
    node = query.node
    if node is None:
        raise QRError("the remote node of this query was deleted")
    return Session(node.address, node.port, node.remote_aet, node.our_aet, timeout=node.association_timeout_s,
                   find_timeout=node.find_timeout_s, move_timeout=node.move_timeout_s)


def _study_level(query: Query, session: Session, opts: Options, log: QueryLog) -> list[Study]:
    params = query.parameters
    dates, times = qr_params.date_range(params), qr_params.time_range(params)
    modalities = ["SR"] if opts.sr_only else [m for g in opts.modalities for m in GROUPS[g]]
    use_tag = bool(query.node and query.node.use_modality_tag)
    found: list[Study] = []
    for modality in modalities:
        _stage(query, f"Querying at study level for {modality}")
        studies = find_studies(session, modality, dates, times, modality_tag=use_tag,
                               station=opts.station_study_level)
        log.info("study level %s: %d responses", modality, len(studies))
        found.extend(studies)
        returned = [s for s in studies if s.modalities_returned]
        if returned and all(modality not in s.modalities_in_study for s in returned):
            log.info("remote does not match on ModalitiesInStudy: it returned every study; no more study queries")
            break
    return found


def _images(query: Query, session: Session, study: Study, opts: Options, processed: set[str] | None) -> None:
    for series in sr_series_to_query(study):
        find_images(session, study.study_instance_uid, series)
    prune_by_modality(study, opts)
    for series in first_image_series(study):
        find_images(session, study.study_instance_uid, series, first_only=True)
        resolve_first_image(series)
    if processed is not None and study.kept:
        for series in series_needing_duplicate_check(study):
            find_images(session, study.study_instance_uid, series)
        remove_duplicates(study, processed)
    finalise(study)


def _processed_uids(study_uid: str) -> set[str] | None:
    from openrem.dose.models import ProcessedObject

    uids = set(ProcessedObject.objects.filter(study__study_instance_uid=study_uid)
               .values_list("sop_instance_uid", flat=True))
    from openrem.dose.models import Study as DoseStudy

    return uids if uids or DoseStudy.objects.filter(study_instance_uid=study_uid).exists() else None


def run_query(query: Query, record_id: int | None = None) -> list[Study]:
    """Query the remote, prune, and record everything. Raises nothing: failures go to ``query.errors``."""
    log = QueryLog(base_log, {"qid": query.pk})
    opts = qr_params.options(query.parameters)
    started = time.monotonic()
    log.info("query started: %s", qr_params.describe(query.parameters))
    session = session_for(query) if query.node else None
    studies: list[Study] = []
    try:
        if session is None:
            raise QRError("the remote node of this query was deleted")
        studies, removed = prune_studies(_study_level(query, session, opts, log), opts)
        final: list[Study] = []
        for number, study in enumerate(studies, 1):
            _check_stop(record_id)
            if not study.kept:
                final.append(study)
                continue
            _stage(query, f"Querying series: study {number} of {len(studies)}")
            study.series = find_series(session, study)
            final.extend(prune_series_level(study, opts))
        for number, study in enumerate(final, 1):
            _check_stop(record_id)
            if study.kept:
                _stage(query, f"Querying images: study {number} of {len(final)}")
                dup = _processed_uids(study.study_instance_uid) if opts.remove_duplicates else None
                _images(query, session, study, opts, dup)
        studies = final
        _save(query, studies)
        query.summary = _summary(studies, removed, time.monotonic() - started)
    except Stopped:
        query.errors += "query terminated on request\n"
    except QRError as exc:
        query.errors += f"{exc}\n"
        query.failed = True
        log.error("query failed: %s", exc)
    finally:
        if session is not None:
            query.errors += "".join(f"{e}\n" for e in session.errors)
            session.close()
    query.query_done = True
    query.finished = timezone.now()
    query.stage = query.summary or ("Query failed" if query.failed else "Query stopped")
    query.save()
    log.info("%s", query.stage.replace("\n", "; "))
    return studies


def _summary(studies: list[Study], removed: int, seconds: float) -> str:
    kept = [s for s in studies if s.kept]
    by_group: dict[str, int] = {}
    for study in kept:
        by_group[study.group] = by_group.get(study.group, 0) + 1
    lines = [f"Query finished in {seconds:.1f} s: {len(kept)} studies to retrieve"
             + (f" ({', '.join(f'{g} {n}' for g, n in sorted(by_group.items()))})" if by_group else "")]
    if removed:
        lines.append(f"{removed} duplicate study responses removed")
    lines += [f"{n} removed: {reason}" for reason, n in reason_counts(studies).most_common()]
    return "\n".join(lines)


@transaction.atomic
def _save(query: Query, studies: list[Study]) -> None:
    for st in studies:
        qs = QueryStudy.objects.create(
            query=query, study_instance_uid=st.study_instance_uid[:64],
            modalities_in_study="\\".join(st.modalities_in_study)[:64], modality_group=st.group,
            study_description=(st.description or "")[:255], station_name=(st.station_name or "")[:64],
            study_date=st.study_date[:8], study_time=st.study_time[:16], accession_number=st.accession_number[:64],
            kept=st.kept, reason=st.reason)
        for se in st.series:
            qse = QuerySeries.objects.create(
                study=qs, series_instance_uid=se.series_instance_uid[:64], modality=se.modality[:16],
                series_description=(se.description or "")[:255], series_number=se.number,
                station_name=(se.station_name or "")[:64], number_of_instances=se.number_of_instances,
                image_level_move=se.image_level_move, kept=se.kept, reason=se.reason)
            QueryImage.objects.bulk_create([
                QueryImage(series=qse, sop_instance_uid=im.sop_instance_uid[:64], sop_class_uid=im.sop_class_uid[:64],
                           instance_number=im.instance_number, kept=im.kept, reason=im.reason)
                for im in se.images])


def run_move(query: Query, record_id: int | None = None) -> None:
    """C-MOVE every kept series (or kept object, for image-level moves) to the query's store node."""
    log = QueryLog(base_log, {"qid": query.pk})
    query.move_requested, query.finished = True, None
    Query.objects.filter(pk=query.pk).update(move_requested=True, finished=None)
    studies = list(query.studies.filter(kept=True).prefetch_related("series__images"))
    try:
        if query.store is None:
            raise QRError("the store node of this query was deleted")
        session = session_for(query)
        try:
            for number, study in enumerate(studies, 1):
                _move_study(query, session, study, f"study {number} of {len(studies)}", record_id, log)
        finally:
            query.errors += "".join(f"{e}\n" for e in session.errors)
            session.close()
        counts = (f"{query.move_completed} objects sent, {query.move_failed} failed, "
                  f"{query.move_warning} warnings")
        if query.move_completed == 0 and (query.move_failed or _series_errors(query)):
            query.failed = True
            query.stage = f"Move failed: {counts}; see the errors of each series"
        else:
            query.stage = f"Move complete: {counts}"
    except Stopped:
        query.stage = "Move terminated on request"
    except QRError as exc:
        query.errors += f"{exc}\n"
        query.failed = True
        query.stage = f"Move failed: {exc}"
    query.move_done = True
    query.finished = timezone.now()
    query.save()
    log.info("%s", query.stage)


def _series_errors(query: Query) -> bool:
    """Whether a move of this query reported an error."""
    return QuerySeries.objects.filter(study__query=query, moved=True).exclude(move_error="").exists()


def _move_study(query: Query, session: Session, study: QueryStudy, where: str, record_id: int | None,
                log: QueryLog) -> None:
    series_list = [s for s in study.series.all() if s.kept]
    destination = query.store.aet if query.store else ""
    for number, series in enumerate(series_list, 1):
        _check_stop(record_id)
        _stage(query, f"Requesting move: modality {study.modality_group}, {where}, "
                      f"series {number} of {len(series_list)}")
        if series.image_level_move:
            results = [move_image(session, destination, study.study_instance_uid, series.series_instance_uid,
                                  image.sop_instance_uid) for image in series.images.all() if image.kept]
        else:
            results = [move_series(session, destination, study.study_instance_uid, series.series_instance_uid)]
        expected = 1 if series.image_level_move else (series.number_of_instances or 0)
        completed = failed = warning = 0
        failed_sops: list[str] = []
        errors: list[str] = []
        for result in results:
            unsent = expected if result.error and not (result.completed or result.failed or result.warning) else 0
            completed, warning = completed + result.completed, warning + result.warning
            failed += result.failed or unsent  # a refused move sent nothing: its objects failed
            failed_sops += result.failed_sops
            if result.error:
                errors.append(result.error)
                query.errors += f"{result.error} (series {series.series_instance_uid})\n"
                log.warning("%s for series %s", result.error, series.series_instance_uid)
        QuerySeries.objects.filter(pk=series.pk).update(
            moved=True, move_completed=completed, move_failed=failed, move_warning=warning,
            move_failed_sops="\n".join(failed_sops), move_error="\n".join(dict.fromkeys(errors)))
        query.move_completed += completed
        query.move_failed += failed
        query.move_warning += warning
        Query.objects.filter(pk=query.pk).update(move_completed=query.move_completed, move_failed=query.move_failed,
                                                 move_warning=query.move_warning)
