"""Forms of the alert pages: fluoroscopy alert settings and the rule editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from openrem.alerts.measures import DRL, EVENT, MEASURES, SCANNER, measure_choices
from openrem.alerts.models import AlertRule


def _users() -> Any:
    return get_user_model().objects.filter(is_active=True).exclude(email="").order_by("username")


class RfSettingsForm(forms.Form):
    """The spec's "Fluoro alert levels" page; the levels are stored on the fluoroscopy preset rules."""

    enabled = forms.BooleanField(label=_("Fluoroscopy alerts and highlighting on"), required=False)
    total_dap = forms.FloatField(label=_("Alert level: total DAP (cGy·cm²)"), min_value=0)
    total_rp_dose = forms.FloatField(label=_("Alert level: total dose at RP (Gy)"), min_value=0)
    peak_skin_dose = forms.FloatField(label=_("Alert level: peak skin dose (Gy)"), min_value=0)
    cumulative_weeks = forms.IntegerField(label=_("Number of previous weeks to sum DAP and dose at RP over"),
                                          min_value=1, max_value=520)
    show_cumulative = forms.BooleanField(label=_("Show summed DAP and dose at RP in lists, details and e-mails"),
                                         required=False)
    calculate_cumulative_on_import = forms.BooleanField(
        label=_("Calculate summed DAP and dose at RP for new studies"), required=False)
    send_email = forms.BooleanField(label=_("Send e-mail for DAP and dose at RP alerts"), required=False)
    send_skin_email = forms.BooleanField(label=_("Send e-mail for peak skin dose alerts"), required=False)
    recipients = forms.ModelMultipleChoiceField(
        label=_("E-mail recipients"), required=False, queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("users with an e-mail address in their account (Config > Users)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = _users()  # type: ignore[attr-defined]


class AlertRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    """Add or change a rule; the measure must belong to the modality."""

    measure = forms.ChoiceField(label=_("Measure"), choices=measure_choices)

    class Meta:
        model = AlertRule
        fields = ["name", "modality", "measure", "threshold", "cumulative_weeks", "equipment", "protocol",
                  "standard_name", "drl_set", "drl_period", "enabled", "send_email", "recipients"]
        widgets = {"recipients": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = _users()  # type: ignore[attr-defined]
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select)
                                              else "form-control")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        measure = MEASURES.get(data.get("measure") or "")
        modality = data.get("modality")
        if measure is None:
            return data
        if modality and modality not in measure.modalities:
            self.add_error("measure", _("This measure does not exist for the chosen modality."))
        if measure.level not in (SCANNER, DRL) and data.get("threshold") is None:
            self.add_error("threshold", _("A threshold is needed for this measure."))
        if measure.level in (EVENT, SCANNER, DRL) and data.get("cumulative_weeks"):
            self.add_error("cumulative_weeks", _("Only study measures can be summed over weeks."))
        drl_set = data.get("drl_set")
        if measure.level == DRL and drl_set is not None and modality and drl_set.modality != modality.upper():
            self.add_error("drl_set", _("This DRL set is for another modality."))
        if measure.level != DRL and (drl_set is not None or data.get("drl_period")):
            self.add_error("drl_set", _("A DRL set or comparison is only used by DRL measures."))
        return data


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}))
