"""Declarations that make one modality: list columns, filters, orderings, detail template.

Everything that differs between CT, RF, DX (incl. CR/PX), MG and NM is declared once in
:mod:`openrem.modalities.registry`; generic views, filters, templates and the JSON API read it.
Filter specs only build Django ``Q`` objects over the ``Study`` table (summary columns) or an
``EXISTS`` over its event tables, so a filtered list never needs per-row joins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from openrem.modalities.chartdefs import Chart

Label = str | Promise


@dataclass(frozen=True)
class Column:
    """A column of the study list: ``path`` is an attribute path on a Study row (``a__b`` for related)."""

    key: str
    label: Label
    path: str
    unit: Label = ""  # unit of a column that is not a dose quantity (age in years)
    quantity: str = ""  # key of :data:`openrem.modalities.units.QUANTITIES`: display unit and figures
    order_by: str | None = None  # ORM ordering field; None: not sortable
    digits: int | None = None  # significant digits shown (default: the quantity's)
    key_dose: bool = False  # a key dose column: shown first after the date, never hidden by default

    def value(self, study: Any) -> Any:
        """The stored value (stored unit) of this column for ``study``."""
        obj: Any = study
        for part in self.path.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj

    def display_unit(self, choice: str | None = None) -> str:
        """The unit shown in the heading (``choice``: the user's DAP unit)."""
        if self.quantity:
            from openrem.modalities.units import display_unit

            return display_unit(self.quantity, choice).symbol
        return str(self.unit)

    def format(self, value: Any, choice: str | None = None) -> str:
        """``value`` (stored unit) as shown in the list: converted, significant figures, locale."""
        from openrem.modalities.units import convert, format_number, quantity

        if self.quantity and isinstance(value, int | float) and not isinstance(value, bool):
            q = quantity(self.quantity)
            return format_number(convert(value, self.quantity, choice), self.digits or q.digits)
        if isinstance(value, float):
            return format_number(value, self.digits or 3)
        return format_number(value)


@dataclass(frozen=True)
class Filter:
    """One filter of the study list.

    ``kind``: ``text`` (case-insensitive contains), ``min``/``max`` (numbers; with a ``quantity`` the
    value is entered in its display unit and converted to the stored unit before ``build``),
    ``date_from``/``date_until``, ``count`` (event count choices), ``choice`` (fixed choices),
    ``bool``. ``build`` turns the cleaned value (stored unit) into a ``Q``.
    """

    name: str
    label: Label
    kind: str
    build: Callable[[Any], Q]
    group: str | None = None  # permission group needed to use the filter (pidgroup for identifiers)
    unit: Label = ""
    choices: tuple[tuple[str, Label], ...] = ()
    quantity: str = ""  # key of :data:`openrem.modalities.units.QUANTITIES` (display unit of the value)

    def display_unit(self, choice: str | None = None) -> str:
        """The unit the value is entered in (``choice``: the user's DAP unit)."""
        if self.quantity:
            from openrem.modalities.units import display_unit

            return display_unit(self.quantity, choice).symbol
        return str(self.unit)

    def to_stored(self, value: Any, choice: str | None = None) -> Any:
        """An entered number in the stored unit (divided by the display unit's factor)."""
        if self.quantity and isinstance(value, int | float):
            from openrem.modalities.units import display_unit

            return float(value) / display_unit(self.quantity, choice).factor
        return value


@dataclass(frozen=True)
class Modality:
    """A modality as the interface knows it."""

    slug: str  # url part: ct, rf, dx, mg, nm
    label: Label
    modality_types: tuple[str, ...]  # Study.modality_type values listed under it
    columns: tuple[Column, ...]
    filters: tuple[Filter, ...]
    default_order: str = "-study_datetime"
    detail_template: str = ""
    event_model: str | None = None  # tree model holding its events (for event-level filters)
    charts: tuple[Chart, ...] = field(default=())  # openrem.modalities.chart_registry
    standard_names: str = ""  # StandardName.modality code, when the modality has standard names

    def display_columns(self) -> tuple[Column, ...]:
        """The list columns in display order: the first (date, the link), the key dose columns, the rest."""
        first, rest = self.columns[:1], self.columns[1:]
        return (*first, *(c for c in rest if c.key_dose), *(c for c in rest if not c.key_dose))

    def orderings(self) -> dict[str, str]:
        """Column key -> ORM ordering field, for the sortable columns."""
        return {c.key: c.order_by for c in self.columns if c.order_by}

    def chart(self, chart_id: str) -> Chart | None:
        """The chart declared with ``chart_id``, or None."""
        return next((c for c in self.charts if c.id == chart_id), None)


# ----------------------------------------------------------------------------- filter builders


def contains(path: str) -> Callable[[Any], Q]:
    """Case-insensitive contains on ``path``."""
    return lambda value: Q(**{f"{path}__icontains": value})


def at_least(path: str) -> Callable[[Any], Q]:
    return lambda value: Q(**{f"{path}__gte": float(value)})


def at_most(path: str) -> Callable[[Any], Q]:
    return lambda value: Q(**{f"{path}__lte": float(value)})


def event_exists(model_name: str, lookup: str, parent_path: str = "parent__parent") -> Callable[[Any], Q]:
    """A study has at least one event of ``model_name`` matching ``lookup`` (EXISTS subquery)."""

    def build(value: Any) -> Q:
        from openrem.dose.models import MODEL_BY_NAME

        model = MODEL_BY_NAME[model_name]
        sub = model.objects.filter(**{parent_path: OuterRef("pk"), lookup: value})
        return Q(Exists(sub))

    return build


COUNT_CHOICES: tuple[tuple[str, Label], ...] = (
    ("", pgettext_lazy("event count", "Any")), ("0", "0"), ("gt0", ">0"),
    *((str(i), str(i)) for i in range(1, 11)), ("gt10", ">10"),
)


def event_count(path: str) -> Callable[[Any], Q]:
    """Event count filter: None / >0 / exactly n / >10."""

    def build(value: Any) -> Q:
        if value == "gt0":
            return Q(**{f"{path}__gt": 0})
        if value == "gt10":
            return Q(**{f"{path}__gt": 10})
        if value == "0":
            return Q(**{path: 0}) | Q(**{f"{path}__isnull": True})
        return Q(**{path: int(value)})

    return build
