"""Skin dose map pages: the map data of a study (JSON), recalculation, and the safelist page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openrem.dose.models import Study, UniqueEquipment
from openrem.skin.phantom import HEAD_LENGTH_CM
from openrem.skinmaps import services
from openrem.skinmaps.models import SafelistEntry, SkinDoseMap, SkinMapSettings
from openrem.web.access import admin_required, viewer_required


def _source(value: str) -> str:
    labels = {"entered": _("entered"), "extracted": _("extracted"), "assumed": _("assumed")}
    return labels.get(value, value)


def _payload(result: SkinDoseMap) -> dict[str, Any]:
    grid = services.dose_grid(result)
    assert grid is not None
    return {
        "status": "calculated",
        "rows": result.map_rows, "columns": result.map_columns, "head_rows": HEAD_LENGTH_CM,
        "flat_width": result.flat_width_cm, "curved_width": result.curved_width_cm,
        "torso_length": result.torso_length_cm, "head_radius": result.head_radius_cm,
        "phantom_width": result.phantom_width_cm, "phantom_depth": result.phantom_depth_cm,
        "dose_mgy": [[round(float(v) * 1000.0, 5) for v in row] for row in grid],
        "peak_skin_dose_mgy": (result.peak_skin_dose_gy or 0.0) * 1000.0,
        "info": {
            "height_cm": result.patient_height_cm, "height_source": _source(result.height_source),
            "mass_kg": result.patient_mass_kg, "mass_source": _source(result.mass_source),
            "orientation": result.orientation, "orientation_source": _source(result.orientation_source),
            "fraction_dap_percent": round((result.fraction_dap or 0.0) * 100.0, 1),
            "events_used": result.events_used, "events_skipped": result.events_skipped,
            "version": result.version,
        },
    }


@require_GET
@viewer_required
def skin_map_data(request: HttpRequest, pk: int) -> JsonResponse:
    """The study's skin dose map (calculated now when it is missing or outdated) or why there is none."""
    study = get_object_or_404(Study.objects.select_related("equipment"), pk=pk)
    reason = services.why_not(study)
    if reason is not None:
        return JsonResponse({"status": "disabled", "message": _("Skin dose map not calculated: %(reason)s") % {
            "reason": _(reason)}})
    result = services.current_map(study)
    if result is None:
        return JsonResponse({"status": "missing", "message": _("No skin dose map is available.")})
    if result.status != SkinDoseMap.CALCULATED:
        return JsonResponse({"status": result.status, "message": result.reason})
    return JsonResponse(_payload(result))


@require_POST
@admin_required
def skin_map_recalculate(request: HttpRequest, pk: int) -> HttpResponse:
    """Calculate the study's map again (for instance after a failure or a safelist change)."""
    study = get_object_or_404(Study.objects.select_related("equipment"), pk=pk)
    reason = services.why_not(study)
    if reason is not None:
        messages.warning(request, _("Skin dose map not calculated: %(reason)s") % {"reason": _(reason)})
    else:
        result = services.calculate_and_store(study)
        messages.info(request, _("Skin dose map recalculated.") if result.status == SkinDoseMap.CALCULATED
                      else result.reason)
    return redirect(reverse("study_detail", args=["rf", study.pk]) + "#skin-dose-map")


def _systems() -> list[dict[str, Any]]:
    """Fluoroscopy systems with their safelist state."""
    rows = (UniqueEquipment.objects.filter(studies__modality_type=services.FLUORO)
            .annotate(n=Count("studies")).order_by("manufacturer", "manufacturer_model_name", "software_versions"))
    return [{"equipment": eq, "studies": eq.n, "entries": list(services.safelist_entries(eq))} for eq in rows]


@admin_required
def safelist(request: HttpRequest) -> HttpResponse:
    """The skin dose map safelist and settings: add (model, or model and version), remove, switch on/off."""
    config = SkinMapSettings.get()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "settings":
            config.enabled = request.POST.get("enabled") == "on"
            config.calculate_on_import = request.POST.get("calculate_on_import") == "on"
            config.save()
            messages.info(request, _("Skin dose map settings saved."))
        elif action in ("add_model", "add_version"):
            equipment = get_object_or_404(UniqueEquipment, pk=request.POST.get("equipment") or 0)
            SafelistEntry.objects.get_or_create(
                manufacturer=equipment.manufacturer or "", model_name=equipment.manufacturer_model_name or "",
                software_version=(equipment.software_versions or "") if action == "add_version" else "")
            messages.info(request, _("Added to the safelist."))
        elif action == "remove":
            SafelistEntry.objects.filter(pk=request.POST.get("entry") or 0).delete()
            messages.info(request, _("Removed from the safelist."))
        return redirect("skinmap_safelist")
    return render(request, "skinmaps/safelist.html", {
        "config": config, "entries": SafelistEntry.objects.all(), "systems": _systems()})
