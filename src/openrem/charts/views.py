"""Chart option pages: all options (Config > Chart options) and one modality's (on its list page)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from openrem.charts.options import apply_form, load_options, options_form, save_options
from openrem.modalities.registry import MODALITIES
from openrem.web.access import viewer_required


@viewer_required
def options_page(request: HttpRequest) -> HttpResponse:
    """Every chart option of the user, for every modality."""
    modalities = list(MODALITIES.values())
    options = load_options(request.user)
    form = options_form(modalities, options, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            save_options(request.user, apply_form(form, options, modalities))
            messages.success(request, _("Chart options saved."))
            return redirect("chart_options")
        status = 400
    else:
        status = 200
    sections = [(m, [form[f"{m.slug}-{name}"] for name in ("charts", "time_period", "sort_by")]) for m in modalities]
    common = [f for f in form if "-" not in f.name]
    return render(request, "charts/options.html", {"form": form, "common": common, "sections": sections},
                  status=status)


@viewer_required
def options_modality(request: HttpRequest, slug: str) -> HttpResponse:
    """Save the options shown on a modality's list page, then go back to that page."""
    modality = MODALITIES.get(slug)
    if modality is None:
        raise Http404("unknown modality")
    if request.method != "POST":
        return redirect("study_list", slug)
    options = load_options(request.user)
    form = options_form([modality], options, request.POST)
    if not form.is_valid():
        messages.error(request, _("Chart options not saved: %(errors)s") % {"errors": form.errors.as_text()})
    else:
        save_options(request.user, apply_form(form, options, [modality]))
        messages.success(request, _("Chart options saved."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}) or not target.startswith(f"/{slug}/"):
        return redirect("study_list", slug)
    return redirect(target)
