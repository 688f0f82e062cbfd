"""``{% chart_panel modality %}``: the charts of a study list page (after the table)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from openrem.charts.compute import describe
from openrem.charts.options import load_options, options_form
from openrem.modalities.base import Modality

register = template.Library()


def _texts() -> dict[str, str]:
    """Strings the chart script shows (translated here, so the script has none of its own)."""
    return {
        "loading": _("Loading chart…"), "empty": _("No data for this chart with the current filters."),
        "error": _("The chart could not be loaded."), "png": _("Download PNG"), "csv": _("Download CSV"),
        "table": _("Data table"), "fullscreen": _("Full screen"), "mean": _("Mean"), "median": _("Median"),
        "boxplot": _("Boxplot"), "histogram": _("Histogram"), "frequency": _("Frequency"), "count": _("Count"),
        "category": _("Category"), "system": _("System"), "physician": _("Physician"), "all": _("All systems"),
        "weekday": _("Weekday"), "hour": _("Hour"), "period": _("Period"), "bin": _("Bin"),
        "sampled": _("%(shown)s of %(total)s points shown (every k-th, deterministic)"),
        "outliers": _("Outliers"), "q1": _("Q1"), "q3": _("Q3"), "n": _("n"), "pie": _("Share"),
        "weekdays": "|".join([_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]),
        "whisker_low": _("Lower whisker"), "whisker_high": _("Upper whisker"), "n_outliers": _("Number of outliers"),
        "min": _("Minimum"), "max": _("Maximum"), "studies": _("Studies"), "value": _("Value"),
        "drl": _("DRL"),
        "stale": _("Numbers of the data of %(time)s: studies have changed since. Updating…"),
        "sort": _("Sort by this column"),
        "changed": _("Numbers of the data of %(time)s: studies have changed since."),
        "stale_failed": _("Numbers of the data of %(time)s: studies have changed since. Updating failed"),
    }


@register.inclusion_tag("charts/panel.html", takes_context=True)
def chart_panel(context: dict[str, Any], modality: Modality) -> dict[str, Any]:
    request = context["request"]
    options = load_options(request.user)
    own = options.for_modality(modality)
    charts = [c for c in (modality.chart(i) for i in own.charts) if c is not None] if options.enabled else []
    config = {
        "slug": modality.slug, "api": reverse("api_chart_list", args=[modality.slug]),
        "charts": [describe(modality, c) for c in charts], "modality_label": str(modality.label),
        "options": {k: getattr(options, k) for k in ("averages", "grouping", "per_system", "histograms", "theme",
                                                      "colour_map", "plots_per_row", "label_wrap")},
        "texts": _texts(),
    }
    return {"modality": modality, "config": config, "charts": charts, "options": options,
            "form": options_form([modality], options), "request": request,
            "csrf_token": context.get("csrf_token")}
