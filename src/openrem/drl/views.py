"""DRL comparison page: doses per examination and system against a DRL set, the local DRL, and storing
the local DRLs as a new DRL set (administrators)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openrem.drl.compare import ExamComparison, compare, local_drl_set, quantities
from openrem.drl.library import store_set
from openrem.drl.models import DrlSet
from openrem.web.access import ADMIN, admin_required, in_group, viewer_required

ADULT_WEIGHT_KG = (50.0, 90.0)
QUANTITY_LABELS = {"dlp": "DLP", "ctdivol": "CTDIvol", "dap": "DAP", "agd": "AGD"}


def _date(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _int(text: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(text or "")
    except ValueError:
        return default
    return min(max(value, low), high)


def _comparison(params: QueryDict) -> dict[str, Any]:
    """The page's choices from its parameters (invalid values fall back to the defaults) and the results."""
    sets = list(DrlSet.objects.all())
    chosen = next((s for s in sets if str(s.pk) == params.get("set")), sets[0] if sets else None)
    available = quantities(chosen) if chosen else []
    asked = params.get("quantity") or ""
    quantity = asked if asked in available else (available or [""])[0]
    date_from, date_to = _date(params.get("date_from")), _date(params.get("date_to"))
    standard_size = params.get("standard_size", "1") == "1"
    min_studies = _int(params.get("min_studies"), 10, 1, 10000)
    min_rooms = _int(params.get("min_rooms"), 1, 1, 100)
    results: list[ExamComparison] = []
    if chosen and quantity:
        results = compare(chosen, quantity, date_from=date_from, date_to=date_to,
                          weight_kg=ADULT_WEIGHT_KG if standard_size else None,
                          min_studies_per_room=min_studies, min_rooms=min_rooms)
    return {"sets": sets, "chosen": chosen, "quantities": [(q, QUANTITY_LABELS[q]) for q in available],
            "quantity": quantity, "quantity_label": QUANTITY_LABELS.get(quantity, ""), "results": results,
            "date_from": date_from, "date_to": date_to, "standard_size": standard_size,
            "weight_range": ADULT_WEIGHT_KG, "min_studies": min_studies, "min_rooms": min_rooms}


@require_GET
@viewer_required
def drl_compare(request: HttpRequest) -> HttpResponse:
    context = _comparison(request.GET)
    context["can_export"] = in_group(request.user, ADMIN) and any(
        e.local is not None and e.local.value is not None for e in context["results"])
    context["slug"] = context["chosen"].modality.lower() if context["chosen"] else "ct"
    context["default_version"] = datetime.date.today().isoformat()
    return render(request, "drl/compare.html", context)


def _source(context: dict[str, Any]) -> str:
    period = f"{context['date_from'] or '…'} – {context['date_to'] or '…'}"
    size = (_("standard-size patients %(low)s-%(high)s kg") % {"low": ADULT_WEIGHT_KG[0], "high": ADULT_WEIGHT_KG[1]}
            if context["standard_size"] else _("all patients"))
    return (_("Local DRL: 75th percentile of system medians of %(quantity)s, studies %(period)s, %(size)s, "
              "at least %(n)s values per system and %(rooms)s systems; examinations and mapping of %(set)s")
            % {"quantity": context["quantity_label"], "period": period, "size": size,
               "n": context["min_studies"], "rooms": context["min_rooms"], "set": context["chosen"]})


@require_POST
@admin_required
def drl_export_local(request: HttpRequest) -> HttpResponse:
    """Store the local DRLs of the comparison (same parameters as the page) as a new local DRL set."""
    context = _comparison(request.POST)
    query = request.POST.copy()
    for key in ("csrfmiddlewaretoken", "name", "version"):
        query.pop(key, None)
    back = reverse("drl_compare") + "?" + query.urlencode()
    name = request.POST.get("name", "").strip()[:200]
    version = request.POST.get("version", "").strip()[:60]
    if not name or not version or context["chosen"] is None:
        messages.error(request, _("A name and a version are needed."))
        return redirect(back)
    parsed = local_drl_set(context["results"], name=name, version=version, source=_source(context),
                           valid_from=datetime.date.today(), modality=context["chosen"].modality)
    parsed.country = context["chosen"].country
    if not parsed.values:
        messages.error(request, _("No examination has a local DRL with these settings."))
        return redirect(back)
    try:
        stored = store_set(parsed, is_local=True)
    except ValueError:
        messages.error(request, _("A DRL set with this name and version exists already."))
        return redirect(back)
    for mapping in context["chosen"].mappings.filter(exam__in=[v.exam for v in parsed.values]):
        stored.mappings.create(exam=mapping.exam, standard_name=mapping.standard_name)
    messages.success(request, _("Local DRL set %(set)s stored with %(n)s values.") % {
        "set": stored, "n": len(parsed.values)})
    query["set"] = str(stored.pk)
    return redirect(reverse("drl_compare") + "?" + query.urlencode())
