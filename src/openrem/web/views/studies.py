"""Generic study list pages for every modality of the registry, and the user's list preferences."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from openrem.alerts.display import alert_exists, hidden_list_columns
from openrem.dose.models import UserProfile
from openrem.modalities.base import Column, Modality
from openrem.modalities.registry import MODALITIES
from openrem.modalities.units import DAP_UNIT_CHOICES
from openrem.web.access import ADMIN, PID, in_group, viewer_required
from openrem.web.filtering import COUNT_CAP, filtered_studies, list_ordering, paginate_keyset
from openrem.web.models import DisplayPreference


def _modality(slug: str) -> Modality:
    modality = MODALITIES.get(slug)
    if modality is None:
        raise Http404("unknown modality")
    return modality


def without_empty(query: QueryDict) -> QueryDict:
    """The query without empty parameters (a submitted filter form sends every field)."""
    out = QueryDict(mutable=True)
    for key, values in query.lists():
        kept = [v for v in values if v.strip()]
        if kept:
            out.setlist(key, kept)
    return out


def visible_columns(modality: Modality, pref: DisplayPreference) -> list[Column]:
    """The columns this user shows, in display order (the first, the study link, always)."""
    hidden = set(pref.hidden(modality.slug))
    columns = modality.display_columns()
    return [c for i, c in enumerate(columns) if i == 0 or c.key not in hidden]


def _cell(column: Column, value: Any, choice: str) -> tuple[str, bool]:
    """(text, numeric) of one list cell."""
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return column.format(value, choice), numeric or bool(column.quantity or column.unit)


@viewer_required
def study_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Filtered, sorted, paged list of one modality's studies (count capped at ``COUNT_CAP``)."""
    modality = _modality(slug)
    cleaned = without_empty(request.GET)
    if any(not v.strip() for _, values in request.GET.lists() for v in values):  # drop empty parameters
        return HttpResponseRedirect(f"{request.path}?{cleaned.urlencode()}" if cleaned else request.path)
    pref = DisplayPreference.for_user(request.user)
    default_size = UserProfile.objects.filter(user_id=request.user.pk or 0).values_list("items_per_page", flat=True).first()
    data = request.GET.copy()
    if not data.get("per_page"):  # the user's own default (Config > Home page options)
        data["per_page"] = str(default_size or 25)
    studies, form = filtered_studies(modality, request.user, data, pref.dap_unit)
    studies = studies.annotate(dose_alert=alert_exists())  # study-level highlighting, in the rows query
    per_page = int(form.cleaned_data.get("per_page") or 25) if form.is_valid() else (default_size or 25)
    ordering = list_ordering(modality, str(form.cleaned_data.get("o") or "") if form.is_valid() else "")
    page = paginate_keyset(studies, ordering, request.GET.get("page"), per_page or 25,  # bounded queries
                           after=request.GET.get("after"), before=request.GET.get("before"))
    hidden = hidden_list_columns(modality.slug)
    columns = [c for c in visible_columns(modality, pref) if c.key not in hidden]
    rows = [(study, [_cell(c, c.value(study), pref.dap_unit) for c in columns]) for study in page.object_list]
    query = request.GET.copy()
    for key in ("page", "after", "before"):
        query.pop(key, None)
    return render(request, "web/study_list.html", {
        "modality": modality, "form": form, "page": page, "rows": rows,
        "columns": [(c, c.display_unit(pref.dap_unit)) for c in columns],
        "all_columns": [(c, c in columns) for c in modality.display_columns()[1:] if c.key not in hidden],
        "dap_units": DAP_UNIT_CHOICES, "dap_unit": pref.dap_unit,
        "has_dap": any(c.quantity == "dap" for c in modality.columns),
        "query": query.urlencode(), "order": request.GET.get("o", ""), "count_cap": COUNT_CAP,
        "is_admin": in_group(request.user, ADMIN), "show_pid": in_group(request.user, PID),
    })


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or fallback
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = fallback
    return HttpResponseRedirect(target)


@require_POST
@viewer_required
def list_preferences(request: HttpRequest, slug: str) -> HttpResponse:
    """Save the columns shown in a modality's list and the DAP unit (kept per user on the server)."""
    modality = _modality(slug)
    pref = DisplayPreference.for_user(request.user)
    keys = [c.key for c in modality.display_columns()[1:]]
    shown = set(request.POST.getlist("columns"))
    hidden: dict[str, Any] = dict(pref.hidden_columns or {})
    hidden[modality.slug] = [k for k in keys if k not in shown]
    pref.hidden_columns = hidden
    unit = request.POST.get("dap_unit", "")
    if unit in dict(DAP_UNIT_CHOICES):
        pref.dap_unit = unit
    pref.save()
    return _back(request, f"/{modality.slug}/")
