"""Generic study list and detail pages for every modality of the registry."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from openrem.dose import treeio
from openrem.dose.models import Study
from openrem.modalities.registry import MODALITIES, for_modality_type
from openrem.web.access import ADMIN, PID, in_group, viewer_required
from openrem.web.filtering import filtered_studies


def _modality(slug: str):  # type: ignore[no-untyped-def]
    modality = MODALITIES.get(slug)
    if modality is None:
        raise Http404("unknown modality")
    return modality


@viewer_required
def study_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Filtered, sorted, paged list of one modality's studies."""
    modality = _modality(slug)
    studies, form = filtered_studies(modality, request.user, request.GET)
    per_page = form.cleaned_data.get("per_page") if form.is_valid() else 25
    paginator = Paginator(studies, per_page or 25)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    rows = [(study, [c.value(study) for c in modality.columns]) for study in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/study_list.html", {
        "modality": modality, "form": form, "page": page, "rows": rows, "columns": modality.columns,
        "query": query.urlencode(), "order": request.GET.get("o", ""),
        "is_admin": in_group(request.user, ADMIN), "show_pid": in_group(request.user, PID),
    })


@viewer_required
def study_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Everything stored for one study, with the modality's own detail template."""
    modality = _modality(slug)
    study = get_object_or_404(Study.objects.select_related("equipment"), pk=pk,
                              modality_type__in=modality.modality_types)
    trees = treeio.study_trees_plain(study)
    related = [(s, for_modality_type(s.modality_type)) for s in
               Study.objects.filter(study_instance_uid=study.study_instance_uid).exclude(pk=study.pk)]
    return render(request, modality.detail_template, {
        "modality": modality, "study": study, "trees": trees, "related": related,
        "is_admin": in_group(request.user, ADMIN), "show_pid": in_group(request.user, PID),
        "objects": study.processed_objects.all(),
    })
