"""Forms of the configuration pages (validation only; the views save inside a transaction)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openrem.dose.models import (
    DicomDeleteSettings,
    HomePageAdminSettings,
    NotPatientIndicator,
    PatientIDSettings,
    StandardName,
    StandardNameSettings,
    UserProfile,
)
from openrem.dose.reprocess import DUAL, USER_MODALITIES

KEEP = "keep"
NONE = "none"


class BootstrapMixin:
    """Give every widget the Bootstrap 5 class for its kind."""

    fields: dict[str, forms.Field]

    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class StyledForm(BootstrapMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class StyledModelForm(BootstrapMixin, forms.ModelForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


def modality_choices() -> list[tuple[str, Any]]:
    """Choices of the user-defined modality field."""
    labels = {"DX": _("DX (radiography)"), "CR": _("CR (computed radiography)"), "RF": _("RF (fluoroscopy)"),
              "MG": _("MG (mammography)"), "NM": _("NM (nuclear medicine)"), "OT": _("OT (other)"),
              DUAL: _("Dual (DX and RF: sorted by each study's data)")}
    return [(KEEP, _("Leave unchanged")), (NONE, _("None (as imported)")),
            *((m, labels[m]) for m in USER_MODALITIES)]


class EquipmentEditForm(StyledForm):
    """Display name and user-defined modality for one or many systems."""

    display_name = forms.CharField(label=_("Display name"), max_length=255, required=False, strip=True,
                                   help_text=_("Leave blank to keep each system's current name."))
    user_defined_modality = forms.ChoiceField(label=_("User defined modality"), choices=modality_choices)


class ObserverUIDForm(StyledForm):
    """The Device Observer UID switch."""

    enabled = forms.BooleanField(label=_("Set display names automatically from Device Observer UID"),
                                 required=False)


class NotPatientIndicatorForm(StyledModelForm):
    """One not-patient pattern."""

    class Meta:
        model = NotPatientIndicator
        fields = ["field", "pattern"]
        labels = {"field": _("Matched against"), "pattern": _("Pattern")}
        help_texts = {"pattern": _("Case-insensitive; * any text, ? one character, [seq] or [!seq] one character "
                                   "in or not in seq.")}

    def clean_pattern(self) -> str:
        pattern = (self.cleaned_data.get("pattern") or "").strip()
        if not pattern:
            raise forms.ValidationError(_("Enter a pattern."))
        if any(ord(c) < 32 for c in pattern):
            raise forms.ValidationError(_("The pattern contains control characters."))
        return pattern


class PatientIDSettingsForm(StyledModelForm):
    """Which patient identifiers are stored and whether they are hashed."""

    class Meta:
        model = PatientIDSettings
        fields = ["name_stored", "name_hashed", "id_stored", "id_hashed", "accession_hashed", "dob_stored"]
        labels = {"name_stored": _("Store patient name"), "name_hashed": _("Hash patient name (SHA-256)"),
                  "id_stored": _("Store patient ID"), "id_hashed": _("Hash patient ID (SHA-256)"),
                  "accession_hashed": _("Hash accession number (SHA-256)"),
                  "dob_stored": _("Store date of birth")}


class DicomDeleteSettingsForm(StyledModelForm):
    """Which source files are deleted after import."""

    class Meta:
        model = DicomDeleteSettings
        fields = ["del_no_match", "del_rdsr", "del_mg_im", "del_dx_im", "del_ct_phil", "del_nm_im"]
        labels = {"del_no_match": _("Delete objects that are not dose objects"),
                  "del_rdsr": _("Delete radiation dose structured reports after import"),
                  "del_mg_im": _("Delete mammography images after import"),
                  "del_dx_im": _("Delete radiography (DX, CR) images after import"),
                  "del_ct_phil": _("Delete Philips CT dose info images after import"),
                  "del_nm_im": _("Delete NM and PET images after import")}
        help_texts = {f: "" for f in fields}


class UserProfileForm(StyledModelForm):
    """The user's own home page and list options."""

    class Meta:
        model = UserProfile
        fields = ["workload_days_a", "workload_days_b", "items_per_page"]
        labels = {"workload_days_a": _("Workload period A (days)"), "workload_days_b": _("Workload period B (days)"),
                  "items_per_page": _("Studies per page")}
        help_texts = {"workload_days_a": "", "workload_days_b": ""}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("workload_days_a", "workload_days_b"):
            self.fields[name].widget.attrs.update({"min": 1, "max": 3650})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("workload_days_a", "workload_days_b"):
            value = data.get(name)
            if value is not None and not 1 <= value <= 3650:
                self.add_error(name, _("Enter a number of days from 1 to 3650."))
        return data


class HomePageAdminForm(StyledModelForm):
    """The administrator's home page switch."""

    class Meta:
        model = HomePageAdminSettings
        fields = ["enable_workload_stats"]
        labels = {"enable_workload_stats": _("Show workload statistics on the home page")}
        help_texts = {"enable_workload_stats": ""}


SOURCE_CHOICES = [("study_description", _("Study description")), ("requested_procedure", _("Requested procedure")),
                  ("procedure", _("Procedure")), ("acquisition_protocol", _("Acquisition protocol"))]


class StandardNameForm(StyledForm):
    """One standard name mapping: a source value of one modality and its standard name."""

    standard_name = forms.CharField(label=_("Standard name"), max_length=255)
    modality = forms.ChoiceField(label=_("Modality"), choices=StandardName.MODALITIES)
    source = forms.ChoiceField(label=_("Maps"), choices=SOURCE_CHOICES)
    value = forms.CharField(label=_("Value as stored"), max_length=255, strip=False,
                            help_text=_("Exactly as it appears in the studies (case and spaces count)."))

    def __init__(self, *args: Any, instance: StandardName | None = None, **kwargs: Any) -> None:
        self.instance = instance or StandardName()
        if instance is not None and "initial" not in kwargs:
            source, value = instance.source
            kwargs["initial"] = {"standard_name": instance.standard_name, "modality": instance.modality,
                                 "source": source, "value": value}
        super().__init__(*args, **kwargs)

    def clean_standard_name(self) -> str:
        name = str(self.cleaned_data["standard_name"]).strip()
        if not name:
            raise forms.ValidationError(_("Enter a standard name."))
        return name

    def clean_value(self) -> str:
        value = str(self.cleaned_data["value"])
        if not value.strip():
            raise forms.ValidationError(_("Enter the value to map."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        modality, source, value = data.get("modality"), data.get("source"), data.get("value")
        if modality and source and value:
            clash = StandardName.objects.filter(modality=modality, **{source: value}).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("value", _("This value already has a standard name for this modality."))
        return data

    def apply(self) -> StandardName:
        """Copy the cleaned data onto the instance (not saved)."""
        obj = self.instance
        obj.standard_name = self.cleaned_data["standard_name"]
        obj.modality = self.cleaned_data["modality"]
        for name in StandardName.SOURCES:
            setattr(obj, name, self.cleaned_data["value"] if name == self.cleaned_data["source"] else None)
        return obj


class StandardNameSettingsForm(StyledModelForm):
    """Standard name mapping on or off."""

    class Meta:
        model = StandardNameSettings
        fields = ["enabled"]
        labels = {"enabled": _("Enable standard name mapping")}
