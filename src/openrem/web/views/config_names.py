"""Standard name mappings (list for viewers; add, modify, delete and the switch for administrators)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from openrem.dose import standard_names
from openrem.dose.models import StandardName, StandardNameSettings
from openrem.web.access import admin_required, viewer_required
from openrem.web.forms import SOURCE_CHOICES, StandardNameForm, StandardNameSettingsForm
from openrem.web.views.config import audit, base_context, singleton_form_page, user_name


@viewer_required
def standard_names_list(request: HttpRequest) -> HttpResponse:
    """Mappings per modality, grouped by standard name."""
    labels = dict(SOURCE_CHOICES)
    tables: dict[str, list[dict[str, Any]]] = {m: [] for m, _label in StandardName.MODALITIES}
    for obj in StandardName.objects.all():
        source, value = obj.source
        tables[obj.modality].append({"obj": obj, "source": labels.get(source, source), "value": value})
    return render(request, "web/config/standard_names.html", base_context(
        request, tables=[(m, rows) for m, rows in tables.items()], enabled=StandardNameSettings.get().enabled))


def _suggestions(form: StandardNameForm) -> list[str]:
    modality = form.data.get("modality") or form.initial.get("modality") or "CT"
    source = form.data.get("source") or form.initial.get("source") or "study_description"
    try:
        return standard_names.source_values(str(modality), str(source), limit=500)
    except (ValueError, KeyError):
        return []


def _name_form(request: HttpRequest, instance: StandardName | None) -> HttpResponse:
    initial = None
    if instance is None:
        initial = {k: request.GET[k] for k in ("modality", "source") if request.GET.get(k)}
    form = StandardNameForm(request.POST or None, instance=instance, initial=initial)
    title = _("Modify standard name") if instance else _("Add standard name")
    context = base_context(request, forms=[form], title=title, cancel=reverse("config_standard_names"))
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    obj = form.apply()
                    obj.save()
            except IntegrityError:  # same value mapped meanwhile
                form.add_error("value", _("This value already has a standard name for this modality."))
            else:
                audit.info("user %s %s standard name %s -> %s", user_name(request),
                           "changed" if instance else "added", obj.source, obj.standard_name)
                messages.success(request, _("Standard name saved."))
                return redirect("config_standard_names")
        context["datalist"] = _suggestions(form)
        return render(request, "web/config/form.html", context, status=400)
    context["datalist"] = _suggestions(form)
    return render(request, "web/config/form.html", context)


@admin_required
def standard_name_add(request: HttpRequest) -> HttpResponse:
    """Map one value to a standard name (``?modality=CT&source=...`` preselects and fills suggestions)."""
    return _name_form(request, None)


@admin_required
def standard_name_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Modify one mapping."""
    return _name_form(request, get_object_or_404(StandardName, pk=pk))


@admin_required
def standard_name_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: confirmation; POST: delete one mapping."""
    obj = get_object_or_404(StandardName, pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            text = f"{obj.modality} {obj.source} -> {obj.standard_name}"
            obj.delete()
        audit.info("user %s deleted standard name %s", user_name(request), text)
        messages.success(request, _("Standard name deleted."))
        return redirect("config_standard_names")
    return render(request, "web/config/confirm_delete.html", base_context(
        request, title=_("Delete the standard name “%(n)s” for “%(v)s”?") % {
            "n": obj.standard_name, "v": obj.source[1]},
        count=None, hidden={}, also="", cancel=reverse("config_standard_names")))


@admin_required
def standard_name_settings(request: HttpRequest) -> HttpResponse:
    """Switch standard name mapping on or off."""
    return singleton_form_page(request, StandardNameSettingsForm, StandardNameSettings.get(),
                               _("Standard name settings"), "standard name settings")
