"""``{% export_buttons modality %}``: the export menu of a study list (the current filter is posted)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from openrem.exports.run import FORMATS, PID_FORMATS, clean_filters
from openrem.web.access import EXPORT, PID, in_group

register = template.Library()

LABELS = {"csv": "CSV", "xlsx": "XLSX", "phe2019": "PHE 2019", "phe2019exam": "PHE 2019 (exam)",
          "nhsbsp": "NHSBSP", "openskin": "openSkin"}


def _buttons(slug: str, pid_user: bool) -> list[tuple[str, str, str]]:
    labels = {**LABELS, "phe2019": "PHE 2019 (projection)"} if slug == "dx" else LABELS
    out = [(fmt, labels[fmt], "") for fmt in FORMATS[slug] if fmt != "openskin"]
    if pid_user:
        variants = (("name", _("with name")), ("id", _("with ID")), ("both", _("with name and ID")))
        out += [(fmt, f"{LABELS[fmt]} {label}", pid) for fmt in PID_FORMATS for pid, label in variants]
    return out


@register.inclusion_tag("exports/list_buttons.html", takes_context=True)
def export_buttons(context: Any, modality: Any) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    if not in_group(user, EXPORT):
        return {"buttons": []}
    return {"buttons": _buttons(modality.slug, in_group(user, PID)), "slug": modality.slug,
            "filters": sorted(clean_filters(request.GET).items()), "request": request}


@register.inclusion_tag("exports/openskin_button.html", takes_context=True)
def openskin_button(context: Any, study: Any) -> dict[str, Any]:
    """The openSkin export button of a fluoroscopy study page (exportgroup only)."""
    return {"show": in_group(context["request"].user, EXPORT), "study": study, "request": context["request"]}
