"""What an alert rule can measure, per modality, in display units.

Study measures read the summary columns of the study row (:mod:`openrem.dose.summary`), event measures
the irradiation events (CT TID 10013, projection X-ray TID 10003, radiopharmaceutical administration
TID 10022), the scanner measures the CT Dose Check details (TID 10015: alert and notification values
with their forward estimates, as the scanner reported them). Modality keys are the slugs of
:data:`openrem.modalities.registry.MODALITIES`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from openrem.dose.models import Administration, CtDoseCheck, CtEvent, ProjectionEvent, Study

GY_M2_TO_CGY_CM2 = 1e6  # DAP is stored in Gy.m2 and alerted in cGy.cm2 (the spec's unit)
STUDY, EVENT, SCANNER, DRL = "study", "event", "scanner", "drl"


@dataclass(frozen=True)
class EventValue:
    """One event's value and a short description (protocol, time)."""

    value: float
    detail: str


@dataclass(frozen=True)
class Measure:
    """A measure: its level, display unit, and how to read it."""

    key: str
    label: Any
    modalities: tuple[str, ...]
    level: str
    unit: str
    study_value: Callable[[Study], float | None] | None = None
    study_columns: tuple[str, ...] = field(default=())  # Study columns the value is read from (cumulative sums)
    events: Callable[[Study, str, list[str] | None], list[EventValue]] | None = None
    drl_quantity: str = ""  # DRL measures: the quantity of the DRL set (openrem.drl) the value is compared with


def _max(*values: float | None) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def rp_dose_gy(study: Any) -> float | None:
    """Total dose at the reference point of a study: the larger of the two planes (each plane has its own
    reference point, so plane doses are not added)."""
    return _max(study.total_rp_dose_a, study.total_rp_dose_b)


def dap_cgy_cm2(study: Any) -> float | None:
    return study.total_dap * GY_M2_TO_CGY_CM2 if study.total_dap is not None else None


def peak_skin_dose_gy(study: Study) -> float | None:
    """The peak skin dose of the study's calculated skin dose map (``skinmaps.SkinDoseMap``), else the value
    handed over through :func:`openrem.alerts.hooks.peak_skin_dose_stored`."""
    from django.apps import apps

    from openrem.alerts.models import PeakSkinDose

    if apps.is_installed("openrem.skinmaps"):
        skin_map = apps.get_model("skinmaps", "SkinDoseMap")
        value = (skin_map.objects.filter(study=study, status="calculated", peak_skin_dose_gy__isnull=False)
                 .values_list("peak_skin_dose_gy", flat=True).first())
        if value is not None:
            return float(value)
    return PeakSkinDose.objects.filter(study=study).values_list("peak_skin_dose_gy", flat=True).first()


def _describe(protocol: str | None, when: Any) -> str:
    parts = [protocol or "", when.strftime("%Y-%m-%d %H:%M:%S") if when else ""]
    return " ".join(p for p in parts if p)[:255]


def _event_rows(model: Any, study: Study, value_field: str, protocol: str, names: list[str] | None,
                time_field: str, protocol_field: str | None) -> Iterable[tuple[Any, ...]]:
    rows = model.objects.filter(parent__parent=study, **{f"{value_field}__isnull": False})
    if protocol_field and protocol:
        rows = rows.filter(**{f"{protocol_field}__icontains": protocol})
    if protocol_field and names is not None:
        rows = rows.filter(**{f"{protocol_field}__in": names})
    out: Iterable[tuple[Any, ...]] = rows.values_list(value_field, protocol_field or value_field, time_field).iterator()
    return out


def event_reader(model: Any, value_field: str, scale: float = 1.0, time_field: str = "date_time_started",
                 protocol_field: str | None = "acquisition_protocol"
                 ) -> Callable[[Study, str, list[str] | None], list[EventValue]]:
    """Reads ``value_field`` of every event of a study; ``protocol`` (contains) and ``names`` (the acquisition
    protocols mapped to a standard name) restrict the events."""

    def read(study: Study, protocol: str, names: list[str] | None) -> list[EventValue]:
        out = []
        for value, proto, when in _event_rows(model, study, value_field, protocol, names, time_field,
                                              protocol_field):
            out.append(EventValue(float(value) * scale, _describe(proto if protocol_field else "", when)))
        return out

    return read


def _dose_checks(kind: str) -> Callable[[Study, str, list[str] | None], list[EventValue]]:
    """CT scanner dose check (TID 10015) ``kind`` ("alert" or "notification") values that were exceeded."""
    if kind == "alert":
        pairs = (("dlp_alert_value_configured", "accumulated_dlp_forward_estimate", "dlp_alert_value", "mGy·cm"),
                 ("ctdivol_alert_value_configured", "accumulated_ctdivol_forward_estimate", "ctdivol_alert_value",
                  "mGy"))
        acted = ("alert_reason_for_proceeding", "alert_person_name")
    else:
        pairs = (("dlp_notification_value_configured", "dlp_forward_estimate", "dlp_notification_value", "mGy·cm"),
                 ("ctdivol_notification_value_configured", "ctdivol_forward_estimate", "ctdivol_notification_value",
                  "mGy"))
        acted = ("notification_reason_for_proceeding", "notification_person_name")

    def read(study: Study, protocol: str, names: list[str] | None) -> list[EventValue]:
        out = []
        checks = CtDoseCheck.objects.filter(parent__parent__parent=study).select_related("parent")
        if protocol:
            checks = checks.filter(parent__acquisition_protocol__icontains=protocol)
        if names is not None:
            checks = checks.filter(parent__acquisition_protocol__in=names)
        for check in checks:
            event = check.parent
            for configured, estimate, limit, unit in pairs:
                est, lim = getattr(check, estimate), getattr(check, limit)
                if getattr(check, configured) and est is not None and lim is not None and est > lim:
                    out.append(EventValue(est, f"{_describe(event.acquisition_protocol, event.date_time_started)}"
                                               f" ({est:g} > {lim:g} {unit})"))
            reason = " / ".join(str(getattr(check, a)) for a in acted if getattr(check, a))
            if reason and not out:
                out.append(EventValue(0.0, f"{_describe(event.acquisition_protocol, None)}: {reason}"[:255]))
        return out

    return read


MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("total_dlp", _("Study total DLP"), ("ct",), STUDY, "mGy·cm", lambda s: s.total_dlp, ("total_dlp",)),
    Measure("event_ctdivol", _("Event CTDIvol"), ("ct",), EVENT, "mGy", events=event_reader(CtEvent, "mean_ctdivol")),
    Measure("event_dlp", _("Event DLP"), ("ct",), EVENT, "mGy·cm", events=event_reader(CtEvent, "dlp")),
    Measure("ct_dose_check_alert", _("Scanner dose check alert (exceeded)"), ("ct",), SCANNER, "",
            events=_dose_checks("alert")),
    Measure("ct_dose_check_notification", _("Scanner dose check notification (exceeded)"), ("ct",), SCANNER, "",
            events=_dose_checks("notification")),
    Measure("total_dap", _("Study total DAP"), ("rf", "dx"), STUDY, "cGy·cm²", dap_cgy_cm2, ("total_dap",)),
    Measure("total_rp_dose", _("Study total dose at RP"), ("rf",), STUDY, "Gy", rp_dose_gy,
            ("total_rp_dose_a", "total_rp_dose_b")),
    Measure("peak_skin_dose", _("Peak skin dose"), ("rf",), STUDY, "Gy", peak_skin_dose_gy),
    Measure("event_dap", _("Event DAP"), ("rf", "dx"), EVENT, "cGy·cm²",
            events=event_reader(ProjectionEvent, "dose_area_product", GY_M2_TO_CGY_CM2)),
    Measure("event_rp_dose", _("Event dose at RP"), ("rf",), EVENT, "Gy", events=event_reader(ProjectionEvent, "dose_rp")),
    Measure("total_agd", _("Study AGD (larger breast)"), ("mg",), STUDY, "mGy",
            lambda s: _max(s.total_agd_left, s.total_agd_right, s.total_agd_both),
            ("total_agd_left", "total_agd_right", "total_agd_both")),
    Measure("event_agd", _("Event AGD"), ("mg",), EVENT, "mGy",
            events=event_reader(ProjectionEvent, "average_glandular_dose")),
    Measure("total_activity", _("Study administered activity"), ("nm",), STUDY, "MBq",
            lambda s: s.total_administered_activity, ("total_administered_activity",)),
    Measure("event_activity", _("Administered activity per administration"), ("nm",), EVENT, "MBq",
            events=event_reader(Administration, "administered_activity",
                                time_field="radiopharmaceutical_start_datetime", protocol_field=None)),
)}


def _agd_mgy(study: Any) -> float | None:
    return _max(study.total_agd_left, study.total_agd_right, study.total_agd_both)


MEASURES.update({m.key: m for m in (
    Measure("drl_dlp", _("Study DLP above its DRL"), ("ct",), DRL, "mGy·cm", lambda s: s.total_dlp, ("total_dlp",),
            drl_quantity="dlp"),
    Measure("drl_dap", _("Study DAP above its DRL"), ("rf", "dx"), DRL, "cGy·cm²", dap_cgy_cm2, ("total_dap",),
            drl_quantity="dap"),
    Measure("drl_agd", _("Study AGD (larger breast) above its DRL"), ("mg",), DRL, "mGy", _agd_mgy,
            ("total_agd_left", "total_agd_right", "total_agd_both"), drl_quantity="agd"),
)})


def measure_choices(modality: str | None = None) -> list[tuple[str, str]]:
    """(key, "label (unit) [modalities]") of the measures, of one modality when given."""
    return [(m.key, f"{m.label} ({m.unit or '—'}) [{', '.join(x.upper() for x in m.modalities)}]")
            for m in MEASURES.values() if modality is None or modality in m.modalities]
