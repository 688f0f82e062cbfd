"""What the study list and detail pages show of the alerts (study-level highlighting, summed dose)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from openrem.alerts.measures import GY_M2_TO_CGY_CM2, rp_dose_gy
from openrem.alerts.models import AlertFiring, AlertRule, AlertSettings
from openrem.alerts.presets import PRESETS, RF_PRESETS

CUMULATIVE_COLUMNS = ("dap_weeks", "rp_weeks")  # RF list columns of the summed values (registry keys)


def alert_exists() -> Exists:
    """Annotation: the study has an alert still over its threshold (of an enabled rule)."""
    return Exists(AlertFiring.objects.filter(study_id=OuterRef("pk"), active=True, rule__enabled=True))


def rf_levels() -> dict[str, Any]:
    """The fluoroscopy alert levels (cGy·cm², Gy, Gy) and whether the fluoroscopy alerts are on."""
    defaults = {key: threshold for key, _n, _m, _me, threshold, _w, _e in PRESETS}
    rules = {r.preset: r for r in AlertRule.objects.filter(preset__in=RF_PRESETS.values())}
    dap = rules.get(RF_PRESETS["dap"])
    return {
        "dap": getattr(dap, "threshold", None) or defaults["rf_total_dap"],
        "rp": getattr(rules.get(RF_PRESETS["rp"]), "threshold", None) or defaults["rf_total_rp_dose"],
        "skin": getattr(rules.get(RF_PRESETS["skin"]), "threshold", None) or defaults["rf_peak_skin_dose"],
        "enabled": dap.enabled if dap is not None else True,
    }


def hidden_list_columns(slug: str) -> set[str]:
    """Registry column keys the list of ``slug`` leaves out (the summed values when switched off)."""
    if slug == "rf" and not AlertSettings.get().show_cumulative:
        return set(CUMULATIVE_COLUMNS)
    return set()


def _over(value: float | None, level: float | None) -> bool:
    return value is not None and level is not None and value > level


def detail_context(study: Any) -> dict[str, Any]:
    """``study_alerts`` (active firings) and, for fluoroscopy, ``cumulative`` (summed values, the studies
    of the window) and ``rf_levels``."""
    context: dict[str, Any] = {
        "study_alerts": list(AlertFiring.objects.filter(study=study, active=True).select_related("rule")
                             .order_by("rule__name", "scope"))}
    if study.modality_type != "RF":
        return context
    from openrem.alerts.cumulative import window_studies

    levels = rf_levels()
    context["rf_levels"] = levels
    if not study.patient_id:
        return context
    alert_settings = AlertSettings.get()
    if alert_settings.show_cumulative:
        dap = study.total_dap_delta_weeks * GY_M2_TO_CGY_CM2 if study.total_dap_delta_weeks is not None else None
        studies = list(window_studies(study, alert_settings.cumulative_weeks))
        for s in studies:
            s.dap = s.total_dap * GY_M2_TO_CGY_CM2 if s.total_dap is not None else None  # type: ignore[attr-defined]
            s.rp = rp_dose_gy(s)  # type: ignore[attr-defined]
        context["cumulative"] = {
            "weeks": alert_settings.cumulative_weeks, "dap": dap, "rp": study.total_rp_dose_delta_weeks,
            "dap_high": levels["enabled"] and _over(dap, levels["dap"]),
            "rp_high": levels["enabled"] and _over(study.total_rp_dose_delta_weeks, levels["rp"]),
            "studies": studies}
    return context
