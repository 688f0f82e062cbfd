"""Display names & modality, the review of one system's studies, and failed imports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from openrem.dose.equipment import IDENTITY_FIELDS
from openrem.dose.models import MergeOnDeviceObserverUIDSettings, Study, UniqueEquipment
from openrem.dose.reprocess import DUAL, resort_dual, set_user_modality
from openrem.importlog.models import FailedImport
from openrem.modalities.registry import MODALITIES, for_modality_type
from openrem.web.access import admin_required, viewer_required
from openrem.web.forms import KEEP, NONE, EquipmentEditForm, ObserverUIDForm
from openrem.web.views.config import audit, base_context, user_name

KNOWN_TYPES = tuple(t for m in MODALITIES.values() for t in m.modality_types)
IDENTITY_LABELS = {
    "manufacturer": gettext_lazy("Manufacturer"), "institution_name": gettext_lazy("Institution"),
    "station_name": gettext_lazy("Station name"), "institutional_department_name": gettext_lazy("Department"),
    "manufacturer_model_name": gettext_lazy("Model"), "device_serial_number": gettext_lazy("Serial number"),
    "software_versions": gettext_lazy("Software"), "gantry_id": gettext_lazy("Gantry"),
    "device_observer_uid": gettext_lazy("Device Observer UID"),
}


def _system_tables() -> list[dict[str, Any]]:
    """One table per modality (plus "other") of systems with their study count and latest study."""
    stats = (Study.objects.values("equipment", "modality_type")
             .annotate(total=Count("pk"), latest=Max("study_datetime")).order_by())
    equipment = UniqueEquipment.objects.in_bulk()
    tables: dict[str, dict[Any, dict[str, Any]]] = {slug: {} for slug in [*MODALITIES, "other"]}
    used: set[int] = set()
    for row in stats:
        modality = for_modality_type(row["modality_type"])
        slot = tables[modality.slug if modality else "other"].setdefault(
            row["equipment"], {"equipment": equipment[row["equipment"]], "total": 0, "latest": None,
                               "types": set()})
        slot["total"] += row["total"]
        slot["types"].add(row["modality_type"] or "—")
        if row["latest"] and (slot["latest"] is None or row["latest"] > slot["latest"]):
            slot["latest"] = row["latest"]
        used.add(row["equipment"])
    for pk, eq in equipment.items():
        if pk not in used:
            tables["other"][pk] = {"equipment": eq, "total": 0, "latest": None, "types": set()}
    labels = {slug: m.label for slug, m in MODALITIES.items()}
    labels["other"] = _("Other, unknown modality or no studies")
    return [{"slug": slug, "label": labels[slug],
             "rows": sorted(rows.values(), key=lambda r: (r["equipment"].display_name.lower(), r["equipment"].pk))}
            for slug, rows in tables.items() if rows]


@viewer_required
def display_names(request: HttpRequest) -> HttpResponse:
    """Systems per modality with display name, user-defined modality, study count and latest study."""
    return render(request, "web/config/display_names.html", base_context(
        request, tables=_system_tables(), fields=IDENTITY_FIELDS,
        observer_form=ObserverUIDForm(initial={"enabled": MergeOnDeviceObserverUIDSettings.get().enabled})))


def _selected(request: HttpRequest) -> list[int] | None:
    """The equipment pks in ``pk`` parameters, or None when one is not a number."""
    raw = request.POST.getlist("pk") if request.method == "POST" else request.GET.getlist("pk")
    try:
        return sorted({int(v) for v in raw})
    except ValueError:
        return None


def _apply_edit(request: HttpRequest, systems: list[UniqueEquipment], form: EquipmentEditForm) -> str:
    """Save the edit of ``systems`` (inside the caller's transaction); returns the audit text."""
    name, modality = form.cleaned_data["display_name"], form.cleaned_data["user_defined_modality"]
    moved: dict[str, int] = {}
    for eq in systems:
        if name:
            eq.display_name = name
            eq.save(update_fields=["display_name"])
        if modality != KEEP:
            change = set_user_modality(eq, None if modality == NONE else modality)
            for key, value in change.counts.items():
                moved[key] = moved.get(key, 0) + value
    if moved:
        messages.info(request, _("Studies given a new modality type: %(counts)s") % {
            "counts": ", ".join(f"{k} {v}" for k, v in sorted(moved.items()))})
    return f"display name {name or '(unchanged)'!r}, modality {modality}, studies moved {moved}"


@admin_required
def display_names_edit(request: HttpRequest) -> HttpResponse:
    """Edit the display name and user-defined modality of the systems selected with ``pk``."""
    pks = _selected(request)
    if pks is None:
        return HttpResponseBadRequest(_("Invalid system selection."))
    systems = list(UniqueEquipment.objects.filter(pk__in=pks))
    if not systems:
        messages.warning(request, _("Select at least one system to edit."))
        return redirect("config_display_names")
    names = {eq.display_name for eq in systems}
    kinds = {eq.user_defined_modality or NONE for eq in systems}
    initial = {"display_name": names.pop() if len(names) == 1 else "",
               "user_defined_modality": kinds.pop() if len(kinds) == 1 else KEEP}
    form = EquipmentEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "web/config/display_names_edit.html",
                          base_context(request, form=form, systems=systems, fields=IDENTITY_FIELDS), status=400)
        with transaction.atomic():
            locked = list(UniqueEquipment.objects.select_for_update().filter(pk__in=[s.pk for s in systems]))
            text = _apply_edit(request, locked, form)
        audit.info("user %s edited systems %s: %s", user_name(request), [s.pk for s in systems], text)
        messages.success(request, ngettext("Updated %(n)d system.", "Updated %(n)d systems.", len(systems)) % {
            "n": len(systems)})
        return redirect("config_display_names")
    return render(request, "web/config/display_names_edit.html",
                  base_context(request, form=form, systems=systems, fields=IDENTITY_FIELDS))


@admin_required
@require_POST
def observer_uid(request: HttpRequest) -> HttpResponse:
    """Switch "set display names automatically from Device Observer UID" on or off."""
    form = ObserverUIDForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            setting = MergeOnDeviceObserverUIDSettings.get()
            setting.enabled = form.cleaned_data["enabled"]
            setting.save()
        audit.info("user %s set merge on Device Observer UID to %s", user_name(request), setting.enabled)
        messages.success(request, _("Device Observer UID setting saved."))
    return redirect("config_display_names")


def _review_context(request: HttpRequest, eq: UniqueEquipment) -> dict[str, Any]:
    studies = eq.studies.order_by("-study_datetime", "-pk")
    per_type = list(studies.values("modality_type").annotate(total=Count("pk"), latest=Max("study_datetime"))
                    .order_by("modality_type"))
    page = Paginator(studies, 50).get_page(request.GET.get("page"))
    rows = [(s, for_modality_type(s.modality_type)) for s in page.object_list]
    identity = [(IDENTITY_LABELS.get(f, f), getattr(eq, f)) for f in (*IDENTITY_FIELDS, "device_observer_uid")]
    return base_context(request, equipment=eq, per_type=per_type, page=page, rows=rows, identity=identity,
                        total=page.paginator.count, dual=eq.user_defined_modality == DUAL)


@viewer_required
def equipment_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The studies of one system, with the delete options for administrators."""
    eq = get_object_or_404(UniqueEquipment, pk=pk)
    return render(request, "web/config/equipment_review.html", _review_context(request, eq))


@admin_required
def equipment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete every study of one system (``what=studies``) or also the system itself (``what=equipment``)."""
    eq = get_object_or_404(UniqueEquipment, pk=pk)
    what = request.POST.get("what") or request.GET.get("what") or "studies"
    if what not in ("studies", "equipment"):
        return HttpResponseBadRequest(_("Unknown delete option."))
    if request.method == "POST":
        with transaction.atomic():
            deleted = Study.objects.filter(equipment=eq).count()
            Study.objects.filter(equipment=eq).delete()
            if what == "equipment":
                eq.delete()
        audit.info("user %s deleted %d studies of system %d (%s)%s", user_name(request), deleted, pk,
                   eq.display_name, " and the system" if what == "equipment" else "")
        messages.success(request, ngettext("Deleted %(n)d study.", "Deleted %(n)d studies.", deleted) % {"n": deleted})
        if what == "equipment":
            return redirect("config_display_names")
        return redirect("config_equipment_review", pk)
    return render(request, "web/config/confirm_delete.html", base_context(
        request, title=_("Delete the studies of %(name)s?") % {"name": eq.display_name},
        count=eq.studies.count(), hidden={"what": what},
        also=_("The system itself will be deleted too.") if what == "equipment" else "",
        cancel=reverse("config_equipment_review", args=[pk])))


@admin_required
@require_POST
def equipment_reprocess(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-sort the studies of a dual system into DX, RF and OT by their data."""
    eq = get_object_or_404(UniqueEquipment, pk=pk)
    if eq.user_defined_modality != DUAL:
        messages.error(request, _("Only systems set to dual can be re-sorted."))
        return redirect("config_equipment_review", pk)
    change = resort_dual(eq)
    audit.info("user %s re-sorted dual system %d: %s", user_name(request), pk, change.counts)
    messages.success(request, ngettext("Re-sorted %(n)d study: %(counts)s", "Re-sorted %(n)d studies: %(counts)s",
                                        change.total) % {
        "n": change.total, "counts": ", ".join(f"{k} {v}" for k, v in sorted(change.counts.items()))})
    return redirect("config_equipment_review", pk)


def failed_queryset(kind: str) -> QuerySet[Study]:
    """Studies that failed to import cleanly: ``unknown`` = no modality type the interface lists;
    a modality slug = studies of that modality whose system has no display name."""
    if kind == "unknown":
        return Study.objects.filter(Q(modality_type__isnull=True) | ~Q(modality_type__in=KNOWN_TYPES))
    modality = MODALITIES.get(kind)
    if modality is None:
        raise Http404("unknown category")
    return Study.objects.filter(modality_type__in=modality.modality_types, equipment__display_name="")


def _failed_groups() -> list[dict[str, Any]]:
    groups = []
    for kind, label in [("unknown", _("Unknown or unlisted modality")), *((s, m.label) for s, m in MODALITIES.items())]:
        qs = failed_queryset(kind).select_related("equipment").order_by("-pk")
        count = qs.count()
        if count:
            groups.append({"kind": kind, "label": label, "count": count, "studies": list(qs[:100])})
    return groups


@viewer_required
def failed_imports(request: HttpRequest) -> HttpResponse:
    """Files that could not be imported, and studies without a listed modality type or without a
    display name, per category."""
    files = FailedImport.objects.all()
    return render(request, "web/config/failed_imports.html", base_context(
        request, groups=_failed_groups(), files=list(files[:100]), files_count=files.count()))


@admin_required
def failed_delete(request: HttpRequest, kind: str) -> HttpResponse:
    """GET: confirmation; POST: delete every study of one failed-import category (``files``: clear
    the list of files that could not be imported)."""
    if kind == "files":
        return _clear_failed_files(request)
    qs = failed_queryset(kind)
    if request.method == "POST":
        with transaction.atomic():
            count = qs.count()
            qs.delete()
        audit.info("user %s deleted %d failed-import studies (%s)", user_name(request), count, kind)
        messages.success(request, ngettext("Deleted %(n)d study.", "Deleted %(n)d studies.", count) % {"n": count})
        return redirect("config_failed_imports")
    return render(request, "web/config/confirm_delete.html", base_context(
        request, title=_("Delete these failed imports?"), count=qs.count(), hidden={}, also="",
        cancel=reverse("config_failed_imports")))


def _clear_failed_files(request: HttpRequest) -> HttpResponse:
    entries = FailedImport.objects.all()
    if request.method == "POST":
        count, _deleted = entries.delete()
        audit.info("user %s cleared %d failed-import entries", user_name(request), count)
        messages.success(request, ngettext("Removed %(n)d entry.", "Removed %(n)d entries.", count) % {"n": count})
        return redirect("config_failed_imports")
    count = entries.count()
    also = ngettext("%(n)d entry will be removed; the files themselves are not touched.",
                    "%(n)d entries will be removed; the files themselves are not touched.", count) % {"n": count}
    return render(request, "web/config/confirm_delete.html", base_context(
        request, title=_("Clear the list of files that could not be imported?"), count=None, hidden={},
        also=also, cancel=reverse("config_failed_imports")))
