"""Diagnostic reference level sets as versioned data: a set (name, country, version, valid from,
source) holds DRL values per examination, quantity and patient group; each examination can be
mapped to standard study names (``openrem.dose`` StandardName.standard_name)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

QUANTITIES = [
    ("ctdivol", "CTDIvol"),
    ("dlp", "DLP"),
    ("dap", "DAP"),
    ("agd", "AGD"),
    ("esd", "ESD"),
]
UNITS = {"ctdivol": "mGy", "dlp": "mGy.cm", "dap": "Gy.m2", "agd": "mGy", "esd": "mGy"}


class DrlSet(models.Model):
    """One published (or locally derived) set of DRLs; a new version is a new set."""

    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=60, blank=True)
    version = models.CharField(_("version"), max_length=60)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    source = models.TextField(_("source"), help_text=_("Citation or URL of the publication."))
    modality = models.CharField(_("modality"), max_length=2, default="CT")
    is_local = models.BooleanField(_("local DRL"), default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-valid_from", "version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="unique_drl_set_version")]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class DrlValue(models.Model):
    """A DRL for one examination, quantity and patient group (per study for DLP/DAP, per sequence
    or irradiation event for CTDIvol)."""

    drl_set = models.ForeignKey(DrlSet, on_delete=models.CASCADE, related_name="values")
    exam = models.CharField(_("examination"), max_length=200)
    clinical_indication = models.CharField(_("clinical indication"), max_length=200, blank=True)
    patient_group = models.CharField(_("patient group"), max_length=100, default="adult")
    quantity = models.CharField(_("quantity"), max_length=10, choices=QUANTITIES)
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=20)

    class Meta:
        ordering = ["drl_set", "exam", "quantity"]
        constraints = [
            models.UniqueConstraint(fields=["drl_set", "exam", "clinical_indication", "patient_group", "quantity"],
                                    name="unique_drl_value"),
            models.CheckConstraint(name="drl_value_positive", condition=models.Q(value__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.exam} {self.quantity} {self.value:g} {self.unit}"


class DrlExamMapping(models.Model):
    """Links an examination of a DRL set to a standard study name of the same modality."""

    drl_set = models.ForeignKey(DrlSet, on_delete=models.CASCADE, related_name="mappings")
    exam = models.CharField(_("examination"), max_length=200)
    standard_name = models.CharField(_("standard name"), max_length=255)

    class Meta:
        ordering = ["drl_set", "exam", "standard_name"]
        constraints = [models.UniqueConstraint(fields=["drl_set", "exam", "standard_name"],
                                               name="unique_drl_exam_mapping")]

    def __str__(self) -> str:
        return f"{self.exam} -> {self.standard_name}"
