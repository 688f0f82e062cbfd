"""Deleting studies (admins only; transactional; audited in the log with the user)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from openrem.dose.models import Study
from openrem.modalities.registry import for_modality_type
from openrem.web.access import admin_required

audit = logging.getLogger("openrem.audit")


@admin_required
def study_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: confirmation page; POST: delete the study and everything stored under it."""
    study = get_object_or_404(Study.objects.select_related("equipment"), pk=pk)
    modality = for_modality_type(study.modality_type)
    if request.method == "POST":
        with transaction.atomic():
            description = f"{study.modality_type} study {study.study_instance_uid} (pk {study.pk})"
            study.delete()
        audit.info("user %s deleted %s", request.user.get_username(), description)
        messages.success(request, _("Deleted the %(modality)s study %(uid)s.") % {
            "modality": study.modality_type or "", "uid": study.study_instance_uid})
        return redirect("study_list", modality.slug if modality else "ct")
    return render(request, "web/study_delete.html", {"study": study, "modality": modality})
