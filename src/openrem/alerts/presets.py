"""The preset rules created on installation (starting points for a physicist to review)."""

from __future__ import annotations

from typing import Any

# (preset key, name, modality slug, measure, threshold, cumulative weeks, enabled)
PRESETS: tuple[tuple[str, str, str, str, float | None, int | None, bool], ...] = (
    # fluoroscopy, spec defaults: 20,000 cGy.cm2 total DAP, 2 Gy total dose at RP, 2 Gy peak skin dose, 12 weeks
    ("rf_total_dap", "Total DAP", "rf", "total_dap", 20000.0, 12, True),
    ("rf_total_rp_dose", "Total dose at RP", "rf", "total_rp_dose", 2.0, 12, True),
    ("rf_peak_skin_dose", "Peak skin dose", "rf", "peak_skin_dose", 2.0, None, True),
    ("ct_total_dlp", "Study DLP", "ct", "total_dlp", 3000.0, None, True),
    ("ct_event_ctdivol", "Acquisition CTDIvol", "ct", "event_ctdivol", 1000.0, None, True),
    ("ct_dose_check_alert", "Scanner dose check alert", "ct", "ct_dose_check_alert", None, None, True),
    ("ct_dose_check_notification", "Scanner dose check notification", "ct", "ct_dose_check_notification", None,
     None, False),
    ("dx_total_dap", "Study DAP", "dx", "total_dap", 500.0, None, True),
    ("mg_total_agd", "Study AGD", "mg", "total_agd", 10.0, None, True),
    ("nm_total_activity", "Administered activity", "nm", "total_activity", 800.0, None, True),
)
RF_PRESETS = {"dap": "rf_total_dap", "rp": "rf_total_rp_dose", "skin": "rf_peak_skin_dose"}


def create_presets(rule_model: Any) -> None:
    """Create the preset rules that do not exist yet (by preset key)."""
    for key, name, modality, measure, threshold, weeks, enabled in PRESETS:
        rule_model.objects.get_or_create(preset=key, defaults={
            "name": name, "modality": modality, "measure": measure, "threshold": threshold,
            "cumulative_weeks": weeks, "enabled": enabled})
