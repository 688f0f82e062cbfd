"""Effective dose estimates summed per patient over a period (pidgroup only).

The sums add the stored population-average estimates of each study (``Study.effective_dose_estimate_msv``:
CT from k x DLP, AAPM Report 96; NM from activity x coefficient, ICRP; see docs/effective-dose.md).
Patients are told apart only by the patient ID as stored under the identifier settings
(``openrem.dose.patient``): a hashed ID is shown as stored, never more.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openrem.dose.models import Study
from openrem.web.access import PID, group_required

ROW_LIMIT = 200
DEFAULT_DAYS = 365


class PeriodForm(forms.Form):
    """The study date range (inclusive) of the sums."""

    date_from = forms.DateField(label=_("Study date from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    date_to = forms.DateField(label=_("Study date to"), required=False,
                              widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 months up to ``today`` (inclusive)."""
    return today - dt.timedelta(days=DEFAULT_DAYS), today


def patient_sums(date_from: dt.date, date_to: dt.date) -> QuerySet[Any, Any]:
    """One aggregate query: per stored patient ID, the studies, those with an estimate and the sum (mSv),
    highest sum first. Studies without a stored patient ID cannot be attributed and are left out."""
    return (Study.objects.filter(study_date__gte=date_from, study_date__lte=date_to, patient_id__isnull=False)
            .exclude(patient_id="")
            .values("patient_id", "patient_id_hashed")
            .annotate(studies=Count("pk"),
                      with_estimate=Count("pk", filter=Q(effective_dose_estimate_msv__isnull=False)),
                      sum_msv=Sum("effective_dose_estimate_msv"))
            .order_by(F("sum_msv").desc(nulls_last=True), "patient_id"))


@group_required(PID)
def patient_dose(request: HttpRequest) -> HttpResponse:
    """The top :data:`ROW_LIMIT` patients by summed effective dose estimate in the chosen period."""
    date_from, date_to = default_period(timezone.localdate())
    form = PeriodForm(request.GET or {"date_from": date_from, "date_to": date_to})
    if form.is_valid():
        date_from = form.cleaned_data["date_from"] or date_from
        date_to = form.cleaned_data["date_to"] or date_to
    rows = list(patient_sums(date_from, date_to)[:ROW_LIMIT + 1])
    for row in rows:
        row["without_estimate"] = row["studies"] - row["with_estimate"]
    return render(request, "web/patient_dose.html", {
        "form": form, "rows": rows[:ROW_LIMIT], "truncated": len(rows) > ROW_LIMIT, "limit": ROW_LIMIT,
        "date_from": date_from, "date_to": date_to,
    })
