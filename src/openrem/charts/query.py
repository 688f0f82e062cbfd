"""Row querysets of a chart: one row per study or event of the filtered list, with ``cat`` (category),
``sys`` (series: system display name, or performing physician when RF plots are split by physician)
and ``val`` / ``x`` (numbers) as annotations built from the declaration and the user's options.

Event rows reach their study through ``parent__parent`` (event -> CT radiation dose / projection
X-ray dose / radiopharmaceutical dose -> study) and are restricted to the studies of the filtered
list with a sub-query, so a chart follows exactly the filters of the list.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import F, Func, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Collate, Lower, Trim

from openrem.charts.options import ChartOptions
from openrem.dose.models import MODEL_BY_NAME, StandardName, Study
from openrem.modalities.base import Modality
from openrem.modalities.chartdefs import Chart, Grouping, Level, Measure

STUDY_PATH = "parent__parent"  # event -> dose report -> study, for every event table
BLANK = ""  # stored for a missing or empty category name; shown as "Blank"
CT_TYPE_FIELD = "ct_acquisition_type_code"  # CT event column the chosen acquisition types filter
STANDARD_STUDY_SOURCES = ("study_description", "requested_procedure_code_meaning", "procedure_code_meaning")


class CollapseSpaces(Func):
    """Runs of spaces collapsed into one (PostgreSQL: any whitespace; SQLite: spaces, runs up to 64)."""

    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, function="regexp_replace",
                           template="%(function)s(%(expressions)s, '\\s+', ' ', 'g')", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "%(expressions)s"
        for _ in range(6):  # each pass halves every run of spaces
            template = f"REPLACE({template}, '  ', ' ')"
        return self.as_sql(compiler, connection, template=template, **extra)


def _path(level: Level, part_level: Level, path: str) -> str:
    """``path`` of a study-level value as seen from an event row."""
    return f"{STUDY_PATH}__{path}" if level == Level.EVENT and part_level == Level.STUDY else path


def _standard_name(modality: Modality, chart: Chart, grouping: Grouping) -> Any:
    """The standard name mapped to the row's study names (first match: description, requested
    procedure, procedure) or acquisition protocol; NULL when none is mapped."""
    def mapped(source: str, path: str) -> Any:
        names = StandardName.objects.filter(modality=modality.standard_names, **{source: OuterRef(path)})
        return Subquery(names.order_by("standard_name").values("standard_name")[:1])

    if grouping.standard == "acquisition":
        return mapped("acquisition_protocol", "acquisition_protocol")
    sources = ("study_description", "requested_procedure", "procedure")
    paths = [_path(chart.level, Level.STUDY, p) for p in STANDARD_STUDY_SOURCES]
    return Coalesce(*[mapped(s, p) for s, p in zip(sources, paths, strict=True)], output_field=TextField())


def category(modality: Modality, chart: Chart, options: ChartOptions) -> Any:
    """The category expression: trimmed / lower-cased as the options say, ``BLANK`` for none."""
    grouping = chart.grouping
    expr: Any
    if grouping.standard:
        expr = _standard_name(modality, chart, grouping)
    else:
        expr = F(_path(chart.level, grouping.level, grouping.path))
    return normalise(expr, options)


def normalise(expr: Any, options: ChartOptions) -> Any:
    """A category name as the options group it: trimmed, lower-cased, ``BLANK`` for none."""
    if options.trim_whitespace:
        expr = CollapseSpaces(Trim(expr))
    if options.case_insensitive:
        expr = Lower(expr)
    return Coalesce(expr, Value(BLANK), output_field=TextField())


def series(modality: Modality, chart: Chart, options: ChartOptions) -> Any:
    """The series expression (system display name, or physician), ``None`` when pooled."""
    if modality.slug == "rf" and options.split_by_physician:
        return Coalesce(F(_path(chart.level, Level.STUDY, "performing_physician_name")), Value(BLANK),
                        output_field=TextField())
    if not options.per_system:
        return None
    return F(_path(chart.level, Level.STUDY, "equipment__display_name"))


def value(chart: Chart, measure: Measure) -> Any:
    """The number of ``measure`` on a row of ``chart``."""
    if measure.expression is not None:
        return measure.expression()
    return F(_path(chart.level, measure.level, measure.path))


def study_date(chart: Chart) -> str:
    return _path(chart.level, Level.STUDY, "study_date")


def study_datetime(chart: Chart) -> str:
    return _path(chart.level, Level.STUDY, "study_datetime")


def fast_text(expr: Any, using: str) -> Any:
    """Group text in byte order on PostgreSQL (equal strings are equal in any collation; sorting by
    the "C" collation is several times faster). Display order is decided later in Python."""
    return Collate(expr, "C") if connections[using].vendor == "postgresql" else expr


def rows(modality: Modality, chart: Chart, studies: QuerySet[Study], options: ChartOptions) -> QuerySet[Any]:
    """The rows of ``chart`` over the filtered ``studies``, annotated with ``cat`` and ``sys``
    (``sys`` is ``BLANK`` when pooled; neither is ever NULL), without ordering. Standard-name charts leave out the rows
    without a standard name (spec: standard-name charts exclude "Blank")."""
    studies = studies.order_by().select_related(None)
    qs: QuerySet[Any]
    if chart.level == Level.STUDY:
        qs = studies
    else:
        model = MODEL_BY_NAME[modality.event_model or ""]
        qs = model.objects.filter(**{f"{STUDY_PATH}__in": studies.values("pk")})
        if modality.slug == "ct":
            qs = qs.filter(**{f"{CT_TYPE_FIELD}__in": options.ct_type_codes()})
    using = qs.db
    system = series(modality, chart, options)
    qs = qs.annotate(cat=fast_text(category(modality, chart, options), using),
                     sys=fast_text(system, using) if system is not None else Value(BLANK, output_field=TextField()))
    if chart.grouping.standard:
        qs = qs.exclude(cat=BLANK)
    return qs


def with_value(qs: QuerySet[Any], chart: Chart, measure: Measure, name: str = "val") -> QuerySet[Any]:
    """``qs`` with the number of ``measure`` as ``name``; rows without it are left out."""
    annotated: QuerySet[Any] = qs.annotate(**{name: value(chart, measure)})
    return annotated.filter(**{f"{name}__isnull": False})
