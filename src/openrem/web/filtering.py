"""Turn a modality's filter declarations into a form and a filtered, ordered queryset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from openrem.dose.models import Study
from openrem.modalities.base import Filter, Modality
from openrem.web.access import in_group

PAGE_SIZES = (10, 25, 50, 100, 200, 400)


def _field(spec: Filter) -> forms.Field:  # labels are lazy translation strings
    label: Any = spec.label
    if spec.kind in ("date_from", "date_until"):
        return forms.DateField(label=label, required=False,
                               widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}))
    if spec.kind in ("min", "max"):
        return forms.FloatField(label=label, required=False, min_value=-1e12, max_value=1e12,
                                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "any"}))
    if spec.kind in ("count", "choice"):
        return forms.ChoiceField(label=label, required=False, choices=spec.choices,
                                 widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    return forms.CharField(label=label, required=False, max_length=200,
                           widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))


def visible_filters(modality: Modality, user: Any) -> list[Filter]:
    """The filters this user may use (identifier filters need pidgroup)."""
    return [f for f in modality.filters if f.group is None or in_group(user, f.group)]


def filter_form(modality: Modality, user: Any, data: Any) -> forms.Form:
    """A bound form with one field per visible filter, plus ordering and page size."""
    fields: dict[str, forms.Field] = {f.name: _field(f) for f in visible_filters(modality, user)}
    orderings = [(k, k) for k in modality.orderings()] + [(f"-{k}", f"-{k}") for k in modality.orderings()]
    fields["o"] = forms.ChoiceField(required=False, choices=[("", "")] + orderings)
    fields["per_page"] = forms.TypedChoiceField(required=False, coerce=int, empty_value=25,  # type: ignore[arg-type]
                                                choices=[(str(n), str(n)) for n in PAGE_SIZES],
                                                label=_("Items per page"),
                                                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    form_class = type(f"{modality.slug.upper()}FilterForm", (forms.Form,), fields)
    return form_class(data)  # type: ignore[no-any-return]


def base_queryset(modality: Modality) -> QuerySet[Study]:
    """The studies listed under ``modality``."""
    return Study.objects.filter(modality_type__in=modality.modality_types)


def filtered_studies(modality: Modality, user: Any, data: Any) -> tuple[QuerySet[Study], forms.Form]:
    """Apply the valid filters of ``data``; an invalid form gives an empty result (and its errors)."""
    form = filter_form(modality, user, data)
    qs = base_queryset(modality)
    if not form.is_valid():
        return qs.none(), form
    query = Q()
    for spec in visible_filters(modality, user):
        value = form.cleaned_data.get(spec.name)
        if value in (None, ""):
            continue
        query &= spec.build(value)
    qs = qs.filter(query)
    order = form.cleaned_data.get("o") or ""
    field = modality.orderings().get(order.lstrip("-"))
    if field:
        direction = "-" if order.startswith("-") else ""
        qs = qs.order_by(f"{direction}{field}", f"{direction}pk")
    else:
        qs = qs.order_by(modality.default_order, "-pk")
    return qs.select_related("equipment"), form
