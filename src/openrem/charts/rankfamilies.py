"""Which charts the rank index answers, and where their rows live.

A *rank family* is one average chart (mean, median, quartiles, whiskers, outliers per category;
spec "Charts") shown by default on its modality page, whose measure and grouping are plain columns
of the study row or of the event row and of the event's study (TID 10013 CT irradiation events,
TID 10003 projection X-ray events). Its values are kept by database triggers in an order-statistic
index (:mod:`openrem.charts.rankindex`), so that its exact numbers over all studies are read in
milliseconds instead of aggregating every row. Everything here is derived from the modality
registry: a chart declared with ``default=True`` that meets these conditions is indexed with no
further code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import models

from openrem.charts.query import CT_TYPE_FIELD
from openrem.dose.models import MODEL_BY_NAME, Study
from openrem.modalities.base import Modality
from openrem.modalities.chartdefs import Chart, ChartKind, Level
from openrem.modalities.registry import MODALITIES


@dataclass(frozen=True)
class Family:
    """The rows of one indexed chart: ``table`` holds the value (the study table or an event table);
    an event row reaches its study through ``dose_table`` (its parent, whose parent is the study)."""

    key: str
    modality: str
    chart_id: str
    modality_types: tuple[str, ...]
    table: str
    value_column: str
    category_column: str
    category_on_study: bool
    acq_column: str  # the CT acquisition type code column of the event; "" when not filtered by type
    dose_table: str = ""  # event families: the dose report table between event and study
    event_parent_column: str = ""
    dose_parent_column: str = ""

    @property
    def on_study(self) -> bool:
        return self.table == Study._meta.db_table

    @property
    def signature(self) -> str:
        """What the family's rows are built from: a change rebuilds them."""
        parts = [self.modality_types, self.table, self.value_column, self.category_column, self.category_on_study,
                 self.acq_column, self.dose_table, self.event_parent_column, self.dose_parent_column, BIN_VERSION]
        return hashlib.sha256(repr(parts).encode()).hexdigest()


BIN_VERSION = "ln32-v1"  # the bin function (ranktriggers.BIN_SQL); a change rebuilds every family


def _column(model: type[models.Model], path: str) -> str | None:
    if not path or "__" in path:
        return None
    try:
        field = model._meta.get_field(path)
    except Exception:
        return None
    column = getattr(field, "column", None)
    return column if isinstance(column, str) else None


def _eligible(chart: Chart) -> bool:
    measure = chart.measure
    return (chart.default and chart.kind == ChartKind.AVERAGE and measure is not None
            and measure.expression is None and not chart.grouping.standard and measure.level == chart.level)


def family_of(modality: Modality, chart: Chart) -> Family | None:
    """The rank family of ``chart``, or ``None`` when the chart is not indexed."""
    if not _eligible(chart):
        return None
    assert chart.measure is not None
    key = _key(modality, chart)
    grouping = chart.grouping
    if chart.level == Level.STUDY:
        value, category = _column(Study, chart.measure.path), _column(Study, grouping.path)
        if value is None or category is None:
            return None
        return Family(key, modality.slug, chart.id, modality.modality_types, Study._meta.db_table, value, category,
                      True, "")
    event = MODEL_BY_NAME.get(modality.event_model or "")
    if event is None:
        return None
    dose: Any = event._meta.get_field("parent").related_model
    if getattr(dose, "_meta", None) is None or dose._meta.get_field("parent").related_model is not Study:
        return None
    on_study = grouping.level == Level.STUDY
    value = _column(event, chart.measure.path)
    category = _column(Study if on_study else event, grouping.path)
    if value is None or category is None:
        return None
    acq = CT_TYPE_FIELD if modality.slug == "ct" else ""
    return Family(key, modality.slug, chart.id, modality.modality_types, event._meta.db_table, value, category,
                  on_study, acq, dose._meta.db_table, event._meta.get_field("parent").column,
                  dose._meta.get_field("parent").column)


@cache
def families() -> tuple[Family, ...]:
    """Every indexed chart of every modality, in registry order."""
    found = []
    for modality in MODALITIES.values():
        for chart in modality.charts:
            family = family_of(modality, chart)
            if family is not None:
                found.append(family)
    return tuple(found)


@cache
def _by_key() -> dict[str, Family]:
    return {f.key: f for f in families()}


def indexed(modality: Modality, chart: Chart) -> Family | None:
    """The rank family of ``chart`` (looked up, not derived again), or ``None``."""
    return _by_key().get(_key(modality, chart))


def _key(modality: Modality, chart: Chart) -> str:
    return f"{modality.slug}:{chart.id}"
