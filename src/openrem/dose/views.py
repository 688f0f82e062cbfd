"""Minimal pages until the full web interface arrives: a list of the stored studies."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openrem.dose.models import Study


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The latest studies with their key dose figures."""
    studies = Study.objects.select_related("equipment").order_by("-study_datetime", "-pk")[:200]
    return render(request, "dose/home.html", {"studies": studies, "count": Study.objects.count()})
