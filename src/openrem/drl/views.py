"""DRL comparison page: study DLP per examination and system against a DRL set, and the local DRL."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from openrem.drl.compare import compare_dlp
from openrem.drl.models import DrlSet
from openrem.web.access import viewer_required

ADULT_WEIGHT_KG = (50.0, 90.0)


def _date(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@require_GET
@viewer_required
def drl_compare(request: HttpRequest) -> HttpResponse:
    sets = list(DrlSet.objects.all())
    chosen = next((s for s in sets if str(s.pk) == request.GET.get("set")), sets[0] if sets else None)
    date_from, date_to = _date(request.GET.get("date_from")), _date(request.GET.get("date_to"))
    standard_size = request.GET.get("standard_size", "1") == "1"
    results = compare_dlp(chosen, date_from=date_from, date_to=date_to,
                          weight_kg=ADULT_WEIGHT_KG if standard_size else None) if chosen else []
    return render(request, "drl/compare.html", {
        "sets": sets, "chosen": chosen, "results": results, "date_from": date_from, "date_to": date_to,
        "standard_size": standard_size, "weight_range": ADULT_WEIGHT_KG})
