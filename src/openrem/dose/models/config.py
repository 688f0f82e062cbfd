"""Settings kept in the database (single-row tables) that the import applies."""

from __future__ import annotations

from typing import Self

from django.db import models


class SingletonModel(models.Model):
    """A table with exactly one row (pk=1), created with defaults on first use."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def get(cls) -> Self:
        obj, _ = cls._default_manager.get_or_create(pk=1)
        return obj


class PatientIDSettings(SingletonModel):
    """Which patient identifiers are stored, and whether they are hashed (SHA-256)."""

    name_stored = models.BooleanField(default=False)
    name_hashed = models.BooleanField(default=True)
    id_stored = models.BooleanField(default=False)
    id_hashed = models.BooleanField(default=True)
    accession_hashed = models.BooleanField(default=False)
    dob_stored = models.BooleanField(default=False)

    class Meta:
        app_label = "dose"


class MergeOnDeviceObserverUIDSettings(SingletonModel):
    """When on, new equipment sharing a Device Observer UID with a known system inherits its names."""

    enabled = models.BooleanField(default=False)

    class Meta:
        app_label = "dose"


class NotPatientIndicator(models.Model):
    """A pattern marking test/QA studies: ``*`` any text, ``?`` one character, ``[seq]``/``[!seq]``,
    matched case-insensitively against the patient ID or the patient name."""

    ID = "id"
    NAME = "name"
    field = models.CharField(max_length=4, choices=[(ID, "Patient ID"), (NAME, "Patient name")])
    pattern = models.CharField(max_length=64)

    class Meta:
        app_label = "dose"
        ordering = ["field", "pattern"]
        constraints = [models.UniqueConstraint(fields=["field", "pattern"], name="unique_not_patient_pattern")]

    def __str__(self) -> str:
        return f"{self.field}: {self.pattern}"


class DicomDeleteSettings(SingletonModel):
    """Whether the source file of each kind of object is deleted after a successful import."""

    del_no_match = models.BooleanField(default=False, help_text="objects that are not dose objects")
    del_rdsr = models.BooleanField(default=False, help_text="radiation dose structured reports")
    del_mg_im = models.BooleanField(default=False, help_text="mammography images")
    del_dx_im = models.BooleanField(default=False, help_text="radiography images")
    del_ct_phil = models.BooleanField(default=False, help_text="Philips CT dose info images")
    del_nm_im = models.BooleanField(default=False, help_text="NM and PET images")

    class Meta:
        app_label = "dose"

    def applies_to(self, kind: str | None) -> bool:
        """True when a file of parser ``kind`` (None: not a dose object) is to be deleted."""
        flags = {
            None: self.del_no_match, "ct_rdsr": self.del_rdsr, "projection_rdsr": self.del_rdsr,
            "rrdsr": self.del_rdsr, "varic_esr": self.del_rdsr, "mg_image": self.del_mg_im,
            "dx_image": self.del_dx_im, "ct_philips": self.del_ct_phil, "nm_image": self.del_nm_im,
        }
        return bool(flags.get(kind, False))
