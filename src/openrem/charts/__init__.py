"""Charts of the study lists: generic SQL aggregation of the chart declarations of the modality
registry (:mod:`openrem.modalities.chart_registry`), the JSON chart API, per-user chart options and
the Plotly display. See docs/charts.md."""
