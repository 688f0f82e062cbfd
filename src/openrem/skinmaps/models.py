"""Stored skin dose map results, the safelist of systems and the skin map settings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from openrem.dose.models import Study


class SkinMapSettings(models.Model):
    """Whether skin dose maps are calculated at all, and whether on import (else on first view)."""

    enabled = models.BooleanField(_("Calculate skin dose maps"), default=True)
    calculate_on_import = models.BooleanField(_("Calculate on import (background task)"), default=True)

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def get(cls) -> SkinMapSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class SafelistEntry(models.Model):
    """A system whose reports give usable geometry: the whole model, or one software version of it."""

    manufacturer = models.CharField(_("Manufacturer"), max_length=255)
    model_name = models.CharField(_("Model"), max_length=255)
    software_version = models.CharField(_("Software version"), max_length=255, blank=True,
                                        help_text=_("Empty: every software version of the model"))

    class Meta:
        ordering = ["manufacturer", "model_name", "software_version"]
        constraints = [models.UniqueConstraint(fields=["manufacturer", "model_name", "software_version"],
                                               name="skinmap_safelist_unique")]

    def __str__(self) -> str:
        return " ".join(p for p in (self.manufacturer, self.model_name, self.software_version) if p)


class SkinDoseMap(models.Model):
    """The skin dose map of one fluoroscopy study, or why there is none.

    ``peak_skin_dose_gy`` is null unless ``status`` is ``calculated``. ``input_height_m`` and
    ``input_weight_kg`` are the study's values when it was calculated: when the study's change (size
    import) or ``version`` differs from the calculation's, the map is recalculated.
    """

    CALCULATED = "calculated"
    NOT_CALCULATED = "not_calculated"
    FAILED = "failed"
    STATUSES = [(CALCULATED, CALCULATED), (NOT_CALCULATED, NOT_CALCULATED), (FAILED, FAILED)]

    study = models.OneToOneField(Study, on_delete=models.CASCADE, related_name="skin_dose_map")
    status = models.CharField(max_length=16, choices=STATUSES)
    reason = models.TextField(blank=True)
    version = models.CharField(max_length=16)
    calculated_at = models.DateTimeField(auto_now=True)
    peak_skin_dose_gy = models.FloatField(null=True, blank=True, db_index=True, db_comment="unit: Gy")
    dose_map_gz = models.BinaryField(null=True, blank=True, help_text="gzip of float32 Gy, row-major")
    map_rows = models.IntegerField(null=True, blank=True)
    map_columns = models.IntegerField(null=True, blank=True)
    torso_length_cm = models.IntegerField(null=True, blank=True)
    flat_width_cm = models.IntegerField(null=True, blank=True)
    curved_width_cm = models.IntegerField(null=True, blank=True)
    phantom_width_cm = models.FloatField(null=True, blank=True)
    phantom_depth_cm = models.FloatField(null=True, blank=True)
    head_radius_cm = models.FloatField(null=True, blank=True)
    patient_height_cm = models.FloatField(null=True, blank=True)
    patient_mass_kg = models.FloatField(null=True, blank=True)
    height_source = models.CharField(max_length=16, blank=True)
    mass_source = models.CharField(max_length=16, blank=True)
    orientation = models.CharField(max_length=8, blank=True)
    orientation_source = models.CharField(max_length=16, blank=True)
    fraction_dap = models.FloatField(null=True, blank=True, db_comment="unit: 1")
    events_used = models.IntegerField(null=True, blank=True)
    events_skipped = models.JSONField(default=dict, blank=True)
    input_height_m = models.FloatField(null=True, blank=True, db_comment="unit: m")
    input_weight_kg = models.FloatField(null=True, blank=True, db_comment="unit: kg")

    def __str__(self) -> str:
        return f"skin dose map of study {self.study_id}: {self.status}"
