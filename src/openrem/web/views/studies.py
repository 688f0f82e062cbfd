"""Generic study list and detail pages for every modality of the registry."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from openrem.alerts.display import alert_exists, hidden_list_columns
from openrem.dose.models import UserProfile
from openrem.modalities.registry import MODALITIES
from openrem.web.access import ADMIN, PID, in_group, viewer_required
from openrem.web.filtering import COUNT_CAP, filtered_studies, paginate


def _modality(slug: str):  # type: ignore[no-untyped-def]
    modality = MODALITIES.get(slug)
    if modality is None:
        raise Http404("unknown modality")
    return modality


@viewer_required
def study_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Filtered, sorted, paged list of one modality's studies (count capped at ``COUNT_CAP``)."""
    modality = _modality(slug)
    default_size = UserProfile.objects.filter(user_id=request.user.pk or 0).values_list("items_per_page", flat=True).first()
    data = request.GET.copy()
    if not data.get("per_page"):  # the user's own default (Config > Home page options)
        data["per_page"] = str(default_size or 25)
    studies, form = filtered_studies(modality, request.user, data)
    studies = studies.annotate(dose_alert=alert_exists())  # study-level highlighting, in the rows query
    per_page = int(form.cleaned_data.get("per_page") or 25) if form.is_valid() else (default_size or 25)
    page = paginate(studies, request.GET.get("page"), per_page or 25)  # two queries, whatever the page size
    hidden = hidden_list_columns(modality.slug)
    columns = [c for c in modality.columns if c.key not in hidden]
    rows = [(study, [c.value(study) for c in columns]) for study in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/study_list.html", {
        "modality": modality, "form": form, "page": page, "rows": rows, "columns": columns,
        "query": query.urlencode(), "order": request.GET.get("o", ""), "count_cap": COUNT_CAP,
        "is_admin": in_group(request.user, ADMIN), "show_pid": in_group(request.user, PID),
    })
