"""Reading the studies of an export in chunks: constant memory whatever the number of studies.

The study rows come from one server-side cursor (``QuerySet.iterator(chunk_size=...)``, a named
cursor on PostgreSQL); for each chunk, its events and child rows (CT X-ray sources, NM organ doses,
RF plane totals...) are read with one ``IN`` query per table. Rows are plain dictionaries of
``values()`` paths, which is several times faster than model instances and holds only one chunk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import connection, connections
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.expressions import RawSQL

from openrem.dose.models import MODEL_BY_NAME, StandardName, StandardNameSettings, Study
from openrem.modalities.export_columns import ChildSet, Col, ExportSpec, common_columns

CHUNK = 2000


@dataclass
class StudyRow:
    """One study with its events; children keyed by child-set index."""

    values: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)
    children: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    event_children: dict[int, dict[int, list[dict[str, Any]]]] = field(default_factory=dict)


def study_paths(spec: ExportSpec) -> list[str]:
    """Every ``values()`` path of the study columns (plus the keys the writers need)."""
    cols = [*common_columns(spec), *spec.study_columns]
    extra = ["id", "study_instance_uid", "procedure_code_meaning", "patient_name", "patient_id",
             "patient_birth_date", "patient_age_decimal", "patient_weight", "patient_size", "patient_sex"]
    return list(dict.fromkeys([*extra, *(c.path for c in cols)]))


def _paths(cols: tuple[Col, ...], *extra: str) -> list[str]:
    return list(dict.fromkeys([*extra, *(c.path for c in cols)]))


def _group(rows: Any, key: str) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def ids_in(path: str, ids: list[int]) -> Q:
    """``path IN ids``; on PostgreSQL one array parameter instead of thousands of placeholders (the
    client-side cost of a long parameter list is most of the time of a chunk's queries)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{path}__in": RawSQL("SELECT unnest(%s::bigint[])", (ids,))})
    return Q(**{f"{path}__in": ids})


def _children(child: ChildSet, owner_ids: list[int]) -> dict[Any, list[dict[str, Any]]]:
    model = MODEL_BY_NAME[child.model]
    rows = (model.objects.filter(ids_in(child.link, owner_ids))
            .order_by(child.link, *child.order).values(*_paths(child.columns, "id", child.link)))
    return _group(rows, child.link)


def event_paths(spec: ExportSpec, extra: tuple[str, ...] = ()) -> list[str]:
    return _paths(spec.event_columns, "id", spec.event_link, "acquisition_protocol", *extra) \
        if spec.event_model != "Administration" else _paths(spec.event_columns, "id", spec.event_link, *extra)


def load_chunk(spec: ExportSpec, studies: list[dict[str, Any]], extra_event_paths: tuple[str, ...] = ()
               ) -> list[StudyRow]:
    """Events and children of one chunk of study rows."""
    ids = [s["id"] for s in studies]
    rows = [StudyRow(values=s) for s in studies]
    if spec.event_model:
        model = MODEL_BY_NAME[spec.event_model]
        events = _group(model.objects.filter(ids_in(spec.event_link, ids))
                        .order_by(spec.event_link, *spec.event_order)
                        .values(*event_paths(spec, extra_event_paths)), spec.event_link)
        for row in rows:
            row.events = events.get(row.values["id"], [])
    for index, child in enumerate(spec.children):
        if child.owner == "study":
            found = _children(child, ids)
            for row in rows:
                row.children[index] = found.get(row.values["id"], [])
        else:
            event_ids = [e["id"] for row in rows for e in row.events]
            found = _children(child, event_ids)
            for row in rows:
                for event in row.events:
                    row.event_children.setdefault(event["id"], {})[index] = found.get(event["id"], [])
    return rows


def iter_studies(spec: ExportSpec, qs: QuerySet[Study], chunk: int = CHUNK,
                 extra_event_paths: tuple[str, ...] = ()) -> Iterator[StudyRow]:
    """Every study of ``qs`` (in its order) with its events, read ``chunk`` studies at a time.

    Outside a transaction, the events and children of the next chunk are read on a second database
    connection while the caller writes the current chunk (the database works on its own core instead
    of waiting for the writer). Inside a transaction (tests, callers that need its uncommitted rows)
    every query runs on the transaction's connection, one chunk after the other.
    """
    cursor = qs.values(*study_paths(spec)).iterator(chunk_size=chunk)
    batches: Iterator[list[dict[str, Any]]] = iter(lambda: list(islice(cursor, chunk)), [])
    if connections[qs.db].in_atomic_block:
        for batch in batches:
            yield from load_chunk(spec, batch, extra_event_paths)
        return
    yield from _read_ahead(spec, batches, extra_event_paths)


def _read_ahead(spec: ExportSpec, batches: Iterator[list[dict[str, Any]]],
                extra_event_paths: tuple[str, ...]) -> Iterator[StudyRow]:
    """The chunks of ``batches`` with their events and children, each chunk's read on a worker thread
    (its own connection, closed at the end) started before the previous chunk is handed out."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-read") as pool:
        try:
            pending: Future[list[StudyRow]] | None = None
            for batch in batches:
                loading = pool.submit(load_chunk, spec, batch, extra_event_paths)
                if pending is not None:
                    yield from pending.result()
                pending = loading
            if pending is not None:
                yield from pending.result()
        finally:
            pool.submit(connections.close_all).result()


def max_events(spec: ExportSpec, qs: QuerySet[Study]) -> int:
    """The largest number of events of a study of ``qs`` (the width of the events-across layout)."""
    if not spec.event_model:
        return 0
    model = MODEL_BY_NAME[spec.event_model]
    ids = qs.order_by().values("id")
    result = (model.objects.filter(**{f"{spec.event_link}__in": ids}).order_by().values(spec.event_link)
              .annotate(n=Count("id")).aggregate(m=Max("n")))
    return int(result["m"] or 0)


def max_children(spec: ExportSpec, index: int, qs: QuerySet[Study]) -> int:
    """Slots of child set ``index``: its fixed count, or the largest number present under ``qs``."""
    child = spec.children[index]
    if child.max_count:
        return child.max_count
    model = MODEL_BY_NAME[child.model]
    ids = qs.order_by().values("id")
    study_link = child.link if child.owner == "study" else f"parent__{spec.event_link}"
    result = (model.objects.filter(**{f"{study_link}__in": ids}).order_by().values(child.link)
              .annotate(n=Count("id")).aggregate(m=Max("n")))
    return int(result["m"] or 0)


def standard_names(spec: ExportSpec) -> dict[str, dict[str, str]] | None:
    """Source value -> standard name, per source field; ``None`` when standard names are off."""
    if not spec.standard_names or not StandardNameSettings.get().enabled:
        return None
    out: dict[str, dict[str, str]] = defaultdict(dict)
    rows: Any = StandardName.objects.filter(modality=spec.standard_names).values()
    for row in rows:
        for source in StandardName.SOURCES:
            if row[source] is not None:
                out[source][row[source]] = row["standard_name"]
    return out
