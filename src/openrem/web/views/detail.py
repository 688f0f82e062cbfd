"""Study detail pages of every modality of the registry (one view, one template per modality)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from openrem.alerts.display import detail_context, rf_levels
from openrem.dose.models import PatientIDSettings, Study
from openrem.modalities.base import Modality
from openrem.modalities.registry import MODALITIES, for_modality_type
from openrem.web import detail_data as dd
from openrem.web.access import ADMIN, PID, in_group, viewer_required


def _modality(slug: str) -> Modality:
    modality = MODALITIES.get(slug)
    if modality is None:
        raise Http404("unknown modality")
    return modality


def modality_context(slug: str, trees: dict[str, tuple[Any, ...]]) -> dict[str, Any]:
    """The display rows one modality's template needs, built from the study's record trees."""
    if slug == "ct":
        ct = trees["ct_radiation_dose"]
        return {"ct_reports": ct, "ct_events": dd.ct_events(ct), "ct_totals": dd.ct_totals(ct)}
    if slug == "nm":
        nm = trees["radiopharmaceutical_radiation_dose"]
        return {"nm_reports": nm}
    proj = trees["projection_xray_radiation_dose"]
    rows = [dd.event_row(e) for e in dd.projection_events(proj)]
    context: dict[str, Any] = {"proj_reports": proj, "events": rows, "planes": dd.plane_rows(proj)}
    if slug == "rf":
        context.update(summary=dd.irradiation_summary(rows))
    elif slug == "mg":
        context["breasts"] = dd.breast_rows(proj)
    return context


def _rf_highlight(context: dict[str, Any], levels: dict[str, Any]) -> None:
    """Study-level highlighting with the fluoroscopy alert levels: per-plane and overall totals only
    (single events are not compared with a study level)."""
    on = levels["enabled"]
    dap_level = levels["dap"] / 1e6 if levels["dap"] is not None else None  # cGy·cm² -> Gy·m², as the rows
    context.update(high_dap=dap_level, high_rp_dose=levels["rp"], alerts_on=on)
    for row in context["planes"] + [s for s in context["summary"] if s["total"]]:
        row["dap_high"] = on and row["dap"] is not None and dap_level is not None and row["dap"] > dap_level
        row["rp_high"] = on and row["rp_dose"] is not None and row["rp_dose"] > levels["rp"]
    for row in context["summary"]:
        if not row["total"]:
            row["dap_high"] = row["rp_high"] = False


@viewer_required
def study_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Everything worth showing of one study, with the modality's own detail template."""
    modality = _modality(slug)
    study = get_object_or_404(Study.objects.select_related("equipment"), pk=pk,
                              modality_type__in=modality.modality_types)
    related = [(s, for_modality_type(s.modality_type)) for s in
               Study.objects.filter(study_instance_uid=study.study_instance_uid).exclude(pk=study.pk)]
    context: dict[str, Any] = {
        "modality": modality, "study": study, "related": related,
        "is_admin": in_group(request.user, ADMIN), "show_pid": in_group(request.user, PID),
        "objects": list(study.processed_objects.all()),
        "pid_settings": PatientIDSettings.get(),
    }
    context.update(modality_context(modality.slug, dd.load_trees(study)))
    context.update(detail_context(study))
    if modality.slug == "rf":
        _rf_highlight(context, context.get("rf_levels") or rf_levels())
    return render(request, modality.detail_template, context)
