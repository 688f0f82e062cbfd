"""Alert pages: the firings (acknowledge, comment), the fluoroscopy alert settings and the rule editor.

Viewers see the alerts; acknowledging, settings and rules need admingroup (checked on the server)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from openrem.alerts.forms import AcknowledgeForm, AlertRuleForm, RfSettingsForm
from openrem.alerts.measures import MEASURES
from openrem.alerts.models import MODALITY_CHOICES, AlertFiring, AlertRule, AlertSettings
from openrem.alerts.presets import RF_PRESETS, create_presets
from openrem.alerts.service import queue_recheck
from openrem.jobs.models import TaskRecord
from openrem.modalities.registry import for_modality_type
from openrem.web.access import ADMIN, admin_required, in_group, viewer_required
from openrem.web.views.config import audit, user_name


@viewer_required
def alert_list(request: HttpRequest) -> HttpResponse:
    """Firings, newest first; ``?state=all|active|open`` (open: active and not acknowledged), ``?modality=``."""
    state = request.GET.get("state", "open")
    firings = AlertFiring.objects.select_related("rule", "study", "study__equipment", "acknowledged_by")
    if state in ("active", "open"):
        firings = firings.filter(active=True)
    if state == "open":
        firings = firings.filter(acknowledged_at__isnull=True)
    modality = request.GET.get("modality", "")
    if modality in dict(MODALITY_CHOICES):
        firings = firings.filter(rule__modality=modality)
    page = Paginator(firings.order_by("-fired_at", "-pk"), 50).get_page(request.GET.get("page"))
    rows = [{"f": f, "slug": getattr(for_modality_type(f.study.modality_type), "slug", "ct")}
            for f in page.object_list]
    return render(request, "alerts/alert_list.html", {
        "page": page, "rows": rows, "state": state, "modality": modality, "modalities": MODALITY_CHOICES,
        "is_admin": in_group(request.user, ADMIN), "form": AcknowledgeForm()})


@admin_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge a firing with an optional comment (again: changes the comment)."""
    firing = get_object_or_404(AlertFiring, pk=pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        AlertFiring.objects.filter(pk=firing.pk).update(
            acknowledged_by=request.user, acknowledged_at=timezone.now(), comment=form.cleaned_data["comment"])
        audit.info("user %s acknowledged alert %s", user_name(request), firing.pk)
        messages.success(request, _("Alert acknowledged."))
    else:
        messages.error(request, _("The comment is not valid."))
    return redirect(request.POST.get("next") or "alerts_list")


def _rf_rules() -> dict[str, AlertRule]:
    create_presets(AlertRule)
    rules = {r.preset: r for r in AlertRule.objects.filter(preset__in=RF_PRESETS.values())}
    return {key: rules[preset] for key, preset in RF_PRESETS.items()}


def _rf_initial(rules: dict[str, AlertRule], alert_settings: AlertSettings) -> dict[str, Any]:
    return {
        "enabled": rules["dap"].enabled, "total_dap": rules["dap"].threshold, "total_rp_dose": rules["rp"].threshold,
        "peak_skin_dose": rules["skin"].threshold, "cumulative_weeks": alert_settings.cumulative_weeks,
        "show_cumulative": alert_settings.show_cumulative,
        "calculate_cumulative_on_import": alert_settings.calculate_cumulative_on_import,
        "send_email": rules["dap"].send_email, "send_skin_email": rules["skin"].send_email,
        "recipients": list(rules["dap"].recipients.all()),
    }


def _save_rf(data: dict[str, Any], rules: dict[str, AlertRule], alert_settings: AlertSettings) -> bool:
    """Store the form; True when the levels or weeks changed (the summed data must be recalculated)."""
    levels = {"dap": data["total_dap"], "rp": data["total_rp_dose"], "skin": data["peak_skin_dose"]}
    changed = any(rules[k].threshold != v for k, v in levels.items()) or (
        alert_settings.cumulative_weeks != data["cumulative_weeks"]) or rules["dap"].enabled != data["enabled"]
    with transaction.atomic():
        for key, rule in rules.items():
            rule.threshold = levels[key]
            rule.enabled = data["enabled"]
            rule.send_email = data["send_skin_email"] if key == "skin" else data["send_email"]
            if key != "skin":
                rule.cumulative_weeks = data["cumulative_weeks"]
            rule.save()
            rule.recipients.set(data["recipients"])
        alert_settings.cumulative_weeks = data["cumulative_weeks"]
        alert_settings.show_cumulative = data["show_cumulative"]
        alert_settings.calculate_cumulative_on_import = data["calculate_cumulative_on_import"]
        alert_settings.recalculation_needed = alert_settings.recalculation_needed or changed
        alert_settings.save()
    return changed


@admin_required
def rf_settings(request: HttpRequest) -> HttpResponse:
    """The fluoroscopy alert levels, weeks for summed dose, e-mail (spec: "Fluoro alert levels")."""
    rules = _rf_rules()
    alert_settings = AlertSettings.get()
    form = RfSettingsForm(request.POST or None, initial=_rf_initial(rules, alert_settings))
    if request.method == "POST" and form.is_valid():
        changed = _save_rf(form.cleaned_data, rules, alert_settings)
        audit.info("user %s changed the fluoroscopy alert settings: %s", user_name(request),
                   ", ".join(f"{k}={form.cleaned_data[k]!r}" for k in form.changed_data) or "no change")
        messages.success(request, _("Fluoroscopy alert settings saved.") + (
            " " + _("Recalculate the summed dose data and alerts to apply them to stored studies.") if changed else ""))
        return redirect("alerts_rf_settings")
    last = TaskRecord.objects.filter(task_type="alert_recheck").order_by("-created_at", "-pk").first()
    return render(request, "alerts/rf_settings.html", {
        "form": form, "settings": alert_settings, "last": last, "is_admin": True,
        "running": last is not None and last.status in (TaskRecord.QUEUED, TaskRecord.ACTIVE)},
        status=400 if request.method == "POST" else 200)


@admin_required
@require_POST
def recalculate(request: HttpRequest) -> HttpResponse:
    """Queue the recalculation of the summed fluoroscopy dose and the re-check of fluoroscopy studies."""
    queue_recheck(["rf"], recalculate_cumulative=True, user=request.user)
    audit.info("user %s started the recalculation of fluoroscopy alerts", user_name(request))
    messages.info(request, _("Recalculation started; its progress is shown below and on the task page."))
    return redirect("alerts_rf_settings")


@admin_required
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every rule with its measure, threshold and recipients."""
    create_presets(AlertRule)
    rules = AlertRule.objects.select_related("equipment").prefetch_related("recipients")
    rows = [{"rule": r, "measure": MEASURES.get(r.measure)} for r in rules]
    return render(request, "alerts/rule_list.html", {"rows": rows, "is_admin": True})


def _rule_form(request: HttpRequest, rule: AlertRule | None) -> HttpResponse:
    form = AlertRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
        audit.info("user %s %s alert rule %s", user_name(request), "changed" if rule else "added", saved)
        queue_recheck([saved.modality], user=request.user)
        messages.success(request, _("Rule saved; the studies of this modality are being re-checked."))
        return redirect("alerts_rules")
    title = _("Change alert rule") if rule else _("Add alert rule")
    return render(request, "alerts/rule_form.html", {"form": form, "title": title, "rule": rule, "is_admin": True,
                                                     "measures": MEASURES.values()},
                  status=400 if request.method == "POST" else 200)


@admin_required
def rule_add(request: HttpRequest) -> HttpResponse:
    return _rule_form(request, None)


@admin_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_form(request, get_object_or_404(AlertRule, pk=pk))


@admin_required
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a rule and its firings (preset rules can only be disabled)."""
    rule = get_object_or_404(AlertRule, pk=pk)
    if rule.preset:
        messages.error(request, _("Preset rules cannot be deleted; disable them instead."))
        return redirect("alerts_rules")
    if request.method == "POST":
        audit.info("user %s deleted alert rule %s", user_name(request), rule)
        rule.delete()
        messages.success(request, _("Rule deleted."))
        return redirect("alerts_rules")
    return render(request, "web/config/confirm_delete.html", {
        "title": _("Delete alert rule “%(name)s” and its alerts?") % {"name": rule.name}, "count": None,
        "cancel": "../../", "hidden": {}, "is_admin": True})
