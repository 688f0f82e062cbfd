"""The query page form (spec: "Query-retrieve using the web interface")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openrem.netdicom import qr_params
from openrem.netdicom.models import RemoteNode, StoreNode

MODALITIES = [("CT", _("CT")), ("FL", _("Fluoroscopy")), ("DX", _("Radiography")), ("MG", _("Mammography")),
              ("NM", _("Nuclear medicine"))]


def _yesterday() -> dt.date:
    return dt.date.today() - dt.timedelta(days=1)


class QueryForm(forms.Form):
    """What to query for; ``parameters()`` gives ``Query.parameters``."""

    node = forms.ModelChoiceField(RemoteNode.objects.filter(enabled=True), label=_("Remote node"))
    store = forms.ModelChoiceField(StoreNode.objects.filter(enabled=True), label=_("Store node to retrieve to"))
    modalities = forms.MultipleChoiceField(choices=MODALITIES, required=False, widget=forms.CheckboxSelectMultiple)
    date_from = forms.DateField(required=False, initial=_yesterday, label=_("Date from"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_until = forms.DateField(required=False, label=_("Date until"), widget=forms.DateInput(attrs={"type": "date"}))
    desc_exclude = forms.CharField(required=False, label=_("Exclude studies with these terms in the study description"),
                                   help_text=_("comma separated, case-insensitive"))
    desc_include = forms.CharField(required=False,
                                   label=_("Only keep studies with these terms in the study description"))
    stationname_exclude = forms.CharField(required=False, label=_("Exclude studies with these station names"))
    stationname_include = forms.CharField(required=False, label=_("Only keep studies with these station names"))
    toshiba = forms.BooleanField(required=False, label=_("Attempt to get Toshiba dose images"))
    ignore_duplicates = forms.BooleanField(required=False, initial=True,
                                           label=_("Ignore studies already in the database"))
    sr_only = forms.BooleanField(required=False, label=_("Include SR only studies (modality choices are ignored)"))
    get_empty_sr = forms.BooleanField(required=False,
                                      label=_("Get SR series that return nothing at image level query"))
    stationname_study_level = forms.BooleanField(required=False,
                                                 label=_("Check station name include/exclude at study level"))
    retrieve = forms.BooleanField(required=False, label=_("Retrieve straight after the query"),
                                  help_text=_("otherwise review the result and click Retrieve"))

    def parameters(self) -> dict[str, Any]:
        """The ``Query.parameters`` of the cleaned data."""
        data = self.cleaned_data
        sr_only = bool(data.get("sr_only"))
        return {
            "modalities": [] if sr_only else list(data.get("modalities") or []), "sr_only": sr_only,
            "date_from": data["date_from"].isoformat() if data.get("date_from") else "",
            "date_until": data["date_until"].isoformat() if data.get("date_until") else "",
            "desc_exclude": data.get("desc_exclude", ""), "desc_include": data.get("desc_include", ""),
            "stationname_exclude": data.get("stationname_exclude", ""),
            "stationname_include": data.get("stationname_include", ""),
            "stationname_study_level": bool(data.get("stationname_study_level")),
            "toshiba": bool(data.get("toshiba")), "get_empty_sr": bool(data.get("get_empty_sr")),
            "duplicates": not data.get("ignore_duplicates"), "source": "web",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            for error in qr_params.check(self.parameters()):
                self.add_error(None, error)
        return data
