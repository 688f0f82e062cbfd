"""Chart options of a user (feature inventory 4.2), one validated JSON document per user.

:class:`ChartOptions` is the typed, validated form of the document; :func:`options_form` builds the
Django form that edits it (on a modality page: the common options and that modality's; on the
configuration page: all of them). Unknown keys and invalid values in a stored document fall back to
the defaults, so a document written by an older version never breaks a page.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openrem.dicom import codes
from openrem.modalities.base import Modality
from openrem.modalities.registry import MODALITIES

AVERAGES = (("mean", _("Mean")), ("median", _("Median")), ("boxplot", _("Boxplot")))
PERIODS = (("day", _("Days")), ("week", _("Weeks")), ("month", _("Months")), ("quarter", _("Quarters")),
           ("year", _("Years")))
GROUPINGS = (("category", _("Series item names (subplot per category, series per system)")),
             ("system", _("System names (subplot per system, series per category)")))
SORTS = (("name", _("Name")), ("frequency", _("Frequency")), ("value", _("Value")))
DIRECTIONS = (("desc", _("Descending")), ("asc", _("Ascending")))
THEMES = (("plotly", "Plotly"), ("plotly_white", "Plotly white"), ("plotly_dark", "Plotly dark"),
          ("presentation", "Presentation"), ("ggplot2", "ggplot2"), ("seaborn", "Seaborn"),
          ("simple_white", "Simple white"))
COLOUR_MAPS = tuple((c, c) for c in ("RdYlBu", "Spectral", "RdYlGn", "PiYG", "PRGn", "BrBG", "PuOr", "RdBu", "RdGy",
                                     "YlGnBu", "YlOrBr", "hot", "inferno", "magma", "plasma", "viridis", "cividis"))
# CT acquisition types (CID 10013), matched by (code value, coding scheme)
CT_TYPES: dict[str, tuple[Any, codes.Concept]] = {
    "sequenced": (_("Sequenced"), codes.SEQUENCED_ACQUISITION),
    "spiral": (_("Spiral"), codes.SPIRAL_ACQUISITION),
    "constant_angle": (_("Constant angle (localiser)"), codes.CONSTANT_ANGLE_ACQUISITION),
    "stationary": (_("Stationary"), codes.STATIONARY_ACQUISITION),
    "free": (_("Free"), codes.FREE_ACQUISITION),
    "cone_beam": (_("Cone beam"), codes.CONE_BEAM_ACQUISITION),
}


@dataclass
class ModalityOptions:
    """The options kept per modality: time period, category sorting and the charts switched on."""

    time_period: str = "month"
    sort_by: str = "frequency"
    charts: list[str] = field(default_factory=list)


@dataclass
class ChartOptions:
    """All chart options of one user, with the defaults of the feature inventory (4.2)."""

    enabled: bool = True
    averages: list[str] = field(default_factory=lambda: ["mean", "median", "boxplot"])
    grouping: str = "category"
    per_system: bool = False
    histograms: bool = False
    sort_direction: str = "desc"
    split_by_physician: bool = False
    ct_acquisition_types: list[str] = field(default_factory=lambda: ["sequenced", "spiral"])
    histogram_bins: int = 20
    fixed_bins: bool = False
    case_insensitive: bool = False
    trim_whitespace: bool = False
    label_wrap: int = 50
    theme: str = "plotly"
    colour_map: str = "RdYlBu"
    plots_per_row: int = 3
    drl_set: str = "auto"  # "auto" (newest set with values), "none" or a DRL set's primary key
    modalities: dict[str, ModalityOptions] = field(default_factory=dict)

    def for_modality(self, modality: Modality) -> ModalityOptions:
        """The options of ``modality`` (its default charts when the user chose none)."""
        found = self.modalities.get(modality.slug)
        if found is None:
            return ModalityOptions(charts=[c.id for c in modality.charts if c.default])
        return found

    def ct_type_codes(self) -> list[str]:
        """Stored ``value|scheme`` codes of the chosen CT acquisition types."""
        return sorted(f"{v}|{s}" for key in self.ct_acquisition_types for v, s in CT_TYPES[key][1].keys)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _choice(value: Any, allowed: tuple[tuple[str, Any], ...] | dict[str, Any], default: Any) -> Any:
    keys = allowed.keys() if isinstance(allowed, dict) else [k for k, _label in allowed]
    return value if isinstance(value, str) and value in keys else default


def _int(value: Any, low: int, high: int, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high else default


def _subset(value: Any, allowed: Any, default: list[str]) -> list[str]:
    keys = list(allowed.keys()) if isinstance(allowed, dict) else [k for k, _label in allowed]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return default
    return [k for k in keys if k in value]


def _modality_options(slug: str, raw: Any) -> ModalityOptions | None:
    modality = MODALITIES.get(slug)
    if modality is None or not isinstance(raw, dict):
        return None
    ids = [c.id for c in modality.charts]
    charts = raw.get("charts")
    return ModalityOptions(
        time_period=_choice(raw.get("time_period"), PERIODS, "month"),
        sort_by=_choice(raw.get("sort_by"), SORTS, "frequency"),
        charts=[i for i in ids if i in charts] if isinstance(charts, list) else [c.id for c in modality.charts
                                                                                 if c.default])


def from_json(raw: Any) -> ChartOptions:
    """Validated options from a stored document; anything invalid takes its default."""
    d = ChartOptions()
    if not isinstance(raw, dict):
        return d
    flags: dict[str, bool] = {}
    for name in ("enabled", "per_system", "histograms", "split_by_physician", "fixed_bins", "case_insensitive",
                 "trim_whitespace"):
        given = raw.get(name)
        flags[name] = given if isinstance(given, bool) else getattr(d, name)
    mods = raw.get("modalities")
    parsed = {slug: _modality_options(slug, value) for slug, value in mods.items()} if isinstance(mods, dict) else {}
    return ChartOptions(
        **flags,
        averages=_subset(raw.get("averages"), AVERAGES, d.averages),
        grouping=_choice(raw.get("grouping"), GROUPINGS, d.grouping),
        sort_direction=_choice(raw.get("sort_direction"), DIRECTIONS, d.sort_direction),
        # no type at all would select no CT event: the defaults instead
        ct_acquisition_types=_subset(raw.get("ct_acquisition_types"), CT_TYPES, d.ct_acquisition_types)
        or d.ct_acquisition_types,
        histogram_bins=_int(raw.get("histogram_bins"), 2, 40, d.histogram_bins),
        label_wrap=_int(raw.get("label_wrap"), 10, 500, d.label_wrap),
        theme=_choice(raw.get("theme"), THEMES, d.theme),
        colour_map=_choice(raw.get("colour_map"), COLOUR_MAPS, d.colour_map),
        plots_per_row=_int(raw.get("plots_per_row"), 1, 10, d.plots_per_row),
        drl_set=_drl_choice(raw.get("drl_set")),
        modalities={slug: m for slug, m in parsed.items() if m is not None},
    )


def _drl_choice(value: Any) -> str:
    if isinstance(value, str) and (value in ("auto", "none") or (value.isdigit() and len(value) < 12)):
        return value
    return "auto"


def drl_set_choices() -> list[tuple[str, Any]]:
    """The DRL line choices: the newest set with values, none, or one stored set."""
    from openrem.drl.models import DrlSet

    return [("auto", _("Newest DRL set with values")), ("none", _("No DRL line")),
            *((str(s.pk), f"{s} [{s.modality}]") for s in DrlSet.objects.all())]


def load_options(user: Any) -> ChartOptions:
    """The chart options of ``user`` (defaults when none are stored or the user is anonymous)."""
    from openrem.charts.models import ChartPreferences

    if not getattr(user, "is_authenticated", False):
        return ChartOptions()
    raw = ChartPreferences.objects.filter(user_id=user.pk).values_list("options", flat=True).first()
    return from_json(raw)


def save_options(user: Any, options: ChartOptions) -> None:
    """Store ``options`` (validated again on the way in)."""
    from openrem.charts.models import ChartPreferences

    ChartPreferences.objects.update_or_create(user=user, defaults={"options": from_json(options.to_json()).to_json()})


# ----------------------------------------------------------------------------- form

_CHECK = {"class": "form-check-input"}
_SELECT = {"class": "form-select form-select-sm"}
_NUMBER = {"class": "form-control form-control-sm"}


def _common_fields(ct: bool, rf: bool) -> dict[str, forms.Field]:
    label: Any
    fields: dict[str, forms.Field] = {
        "enabled": forms.BooleanField(required=False, label=_("Plot charts"), widget=forms.CheckboxInput(_CHECK)),
        "averages": forms.MultipleChoiceField(required=False, choices=AVERAGES, label=_("Average plots"),
                                              widget=forms.CheckboxSelectMultiple),
        "per_system": forms.BooleanField(required=False, label=_("Plot a series per system"),
                                         widget=forms.CheckboxInput(_CHECK)),
        "grouping": forms.ChoiceField(choices=GROUPINGS, label=_("Grouping choice"), widget=forms.Select(_SELECT)),
        "histograms": forms.BooleanField(required=False, label=_("Calculate histogram data"),
                                         widget=forms.CheckboxInput(_CHECK)),
        "histogram_bins": forms.IntegerField(min_value=2, max_value=40, label=_("Number of histogram bins"),
                                             widget=forms.NumberInput(_NUMBER)),
        "fixed_bins": forms.BooleanField(required=False, label=_("Fixed histogram bins across subplots"),
                                         widget=forms.CheckboxInput(_CHECK)),
        "sort_direction": forms.ChoiceField(choices=DIRECTIONS, label=_("Sorting direction"),
                                            widget=forms.Select(_SELECT)),
        "case_insensitive": forms.BooleanField(required=False, label=_("Case-insensitive categories"),
                                               widget=forms.CheckboxInput(_CHECK)),
        "trim_whitespace": forms.BooleanField(required=False, label=_("Remove category whitespace padding"),
                                              widget=forms.CheckboxInput(_CHECK)),
        "label_wrap": forms.IntegerField(min_value=10, max_value=500, label=_("Chart label character wrap length"),
                                         widget=forms.NumberInput(_NUMBER)),
        "theme": forms.ChoiceField(choices=THEMES, label=_("Chart theme"), widget=forms.Select(_SELECT)),
        "colour_map": forms.ChoiceField(choices=COLOUR_MAPS, label=_("Colour map"), widget=forms.Select(_SELECT)),
        "plots_per_row": forms.IntegerField(min_value=1, max_value=10, label=_("Number of sub-charts per row"),
                                            widget=forms.NumberInput(_NUMBER)),
        # the stored DRL sets are read once per form (a callable would be read at every iteration)
        "drl_set": forms.ChoiceField(choices=drl_set_choices(), required=False, label=_("DRL line"),
                                     widget=forms.Select(_SELECT)),
    }
    if ct:
        label = _("CT acquisition types")
        fields["ct_acquisition_types"] = forms.MultipleChoiceField(
            required=True, label=label, widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Choose at least one CT acquisition type.")},
            choices=[(k, v[0]) for k, v in CT_TYPES.items()])
    if rf:
        fields["split_by_physician"] = forms.BooleanField(required=False, label=_("Split plots by physician"),
                                                          widget=forms.CheckboxInput(_CHECK))
    return fields


def _modality_fields(modality: Modality) -> dict[str, forms.Field]:
    slug = modality.slug
    return {
        f"{slug}-charts": forms.MultipleChoiceField(
            required=False, label=_("%(modality)s charts") % {"modality": modality.label},
            choices=[(c.id, c.title) for c in modality.charts], widget=forms.CheckboxSelectMultiple),
        f"{slug}-time_period": forms.ChoiceField(choices=PERIODS, label=_("Time period"),
                                                 widget=forms.Select(_SELECT)),
        f"{slug}-sort_by": forms.ChoiceField(choices=SORTS, label=_("Chart sorting"), widget=forms.Select(_SELECT)),
    }


def options_form(modalities: list[Modality], options: ChartOptions, data: Any = None) -> forms.Form:
    """A form over the common options and those of ``modalities``, initialised from ``options``."""
    slugs = {m.slug for m in modalities}
    fields = _common_fields("ct" in slugs, "rf" in slugs)
    initial = {k: v for k, v in options.to_json().items() if k in fields}
    for modality in modalities:
        fields.update(_modality_fields(modality))
        own = options.for_modality(modality)
        initial.update({f"{modality.slug}-charts": own.charts, f"{modality.slug}-time_period": own.time_period,
                        f"{modality.slug}-sort_by": own.sort_by})
    form_class = type("ChartOptionsForm", (forms.Form,), fields)
    return form_class(data=data, initial=initial)  # type: ignore[no-any-return]


def apply_form(form: forms.Form, options: ChartOptions, modalities: list[Modality]) -> ChartOptions:
    """``options`` updated with the cleaned data of a valid :func:`options_form`."""
    raw = options.to_json()
    data = form.cleaned_data
    raw.update({k: v for k, v in data.items() if "-" not in k})
    for modality in modalities:
        raw.setdefault("modalities", {})[modality.slug] = {
            "charts": data[f"{modality.slug}-charts"], "time_period": data[f"{modality.slug}-time_period"],
            "sort_by": data[f"{modality.slug}-sort_by"]}
    return from_json(raw)
