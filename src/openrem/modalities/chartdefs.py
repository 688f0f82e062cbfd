"""What a chart is: one declaration of level, measure (with its unit), grouping and kind.

The charts of every modality are declared in :mod:`openrem.modalities.chart_registry` with the
helpers at the end of this module; :mod:`openrem.charts` computes any declaration generically in
SQL over the study list's filtered queryset (spec "Charts"; feature inventory 4.3). Nothing here
touches the database: expressions are built lazily from the paths declared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise

Label = str | Promise


class Level(StrEnum):
    """Which rows a chart counts: one per study, or one per irradiation event / administration."""

    STUDY = "study"
    EVENT = "event"


class ChartKind(StrEnum):
    """How a chart aggregates (see docs/charts.md)."""

    AVERAGE = "average"  # mean / median bars, boxplot, optional histogram per category
    FREQUENCY = "frequency"  # count per category (stacked per system; pie)
    OVER_TIME = "over_time"  # mean / median (and quartiles) per time bucket
    SCATTER = "scatter"  # y against x, sampled above a fixed point count
    WORKLOAD = "workload"  # studies per weekday x hour of day
    BINNED = "binned"  # mean / median of y in fixed bins of x (MG AGD in thickness bins)


@dataclass(frozen=True)
class Measure:
    """A numeric value of a study or event row.

    ``path`` is an ORM path on the row model of ``level``, or ``expression`` builds the value (used
    for values inside JSON lists). ``unit`` is the stored unit (the API gives numbers in it);
    ``display_unit`` and ``display_scale`` are what the chart shows (stored x scale = shown).
    """

    key: str
    label: Label
    level: Level
    unit: str
    path: str = ""
    display_unit: str = ""
    display_scale: float = 1.0
    expression: Callable[[], Any] | None = None
    drl_quantity: str = ""  # DRL quantity (openrem.drl QUANTITIES) a chart of this measure can mark

    @property
    def shown_unit(self) -> str:
        return self.display_unit or self.unit


@dataclass(frozen=True)
class Grouping:
    """What the categories of a chart are.

    ``path`` is on the Study row for study-level groupings, on the event row for event-level ones
    (an event-level chart reaches study fields through the modality's ``study_path``).
    ``standard`` names a standard-name mapping: ``"study"`` (study description, requested procedure
    or procedure mapped to a standard study name) or ``"acquisition"`` (acquisition protocol).
    """

    key: str
    label: Label
    level: Level
    path: str = ""
    standard: str = ""


@dataclass(frozen=True)
class Chart:
    """One chart: ``id`` is unique within its modality and stable (URLs, user options, docs)."""

    id: str
    title: Label
    kind: ChartKind
    grouping: Grouping
    measure: Measure | None = None  # y value; None for frequency and workload
    x: Measure | None = None  # x value of scatter and binned charts
    default: bool = False

    @property
    def level(self) -> Level:
        """Event level when the measure, the x value or the grouping is per event."""
        parts = [p for p in (self.measure, self.x, self.grouping) if p is not None]
        return Level.EVENT if any(p.level == Level.EVENT for p in parts) else Level.STUDY

    @property
    def unit(self) -> str:
        if self.kind in (ChartKind.FREQUENCY, ChartKind.WORKLOAD):
            return ""
        return self.measure.unit if self.measure else ""


# ----------------------------------------------------------------------------- declaration helpers


def average(grouping: Grouping, measure: Measure, title: Label, default: bool = False) -> Chart:
    """Mean and median bars, boxplot and histogram of ``measure`` per category."""
    return Chart(f"{grouping.key}_{measure.key}", title, ChartKind.AVERAGE, grouping, measure, default=default)


def frequency(grouping: Grouping, title: Label, default: bool = False) -> Chart:
    """Number of rows per category."""
    return Chart(f"{grouping.key}_frequency", title, ChartKind.FREQUENCY, grouping, default=default)


def over_time(grouping: Grouping, measure: Measure, title: Label) -> Chart:
    """Mean and median of ``measure`` per time period (user option) and category."""
    return Chart(f"{grouping.key}_{measure.key}_over_time", title, ChartKind.OVER_TIME, grouping, measure)


def scatter(grouping: Grouping, measure: Measure, x: Measure, title: Label) -> Chart:
    """``measure`` against ``x`` per category."""
    return Chart(f"{grouping.key}_{measure.key}_vs_{x.key}", title, ChartKind.SCATTER, grouping, measure, x)


def workload(grouping: Grouping, title: Label) -> Chart:
    """Studies per weekday and hour of day (studies with a category; blank standard names excluded)."""
    return Chart(f"{grouping.key}_workload", title, ChartKind.WORKLOAD, grouping)


def binned(grouping: Grouping, measure: Measure, x: Measure, title: Label) -> Chart:
    """Mean and median of ``measure`` in fixed bins of ``x`` per category."""
    return Chart(f"{grouping.key}_{measure.key}_{x.key}_bins", title, ChartKind.BINNED, grouping, measure, x)
