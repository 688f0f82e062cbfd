"""Settings kept in the database (single-row tables) that the import applies."""

from __future__ import annotations

from typing import Self

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    field = models.CharField(max_length=4, choices=[(ID, _("Patient ID")), (NAME, _("Patient name"))])
    pattern = models.CharField(max_length=64)

    class Meta:
        app_label = "dose"
        ordering = ["field", "pattern"]
        constraints = [models.UniqueConstraint(fields=["field", "pattern"], name="unique_not_patient_pattern")]

    def __str__(self) -> str:
        return f"{self.field}: {self.pattern}"


class DicomDeleteSettings(SingletonModel):
    """Whether the source file of each kind of object is deleted after a successful import."""

    del_no_match = models.BooleanField(default=False, help_text=_("objects that are not dose objects"))
    del_rdsr = models.BooleanField(default=False, help_text=_("radiation dose structured reports"))
    del_mg_im = models.BooleanField(default=False, help_text=_("mammography images"))
    del_dx_im = models.BooleanField(default=False, help_text=_("radiography images"))
    del_ct_phil = models.BooleanField(default=False, help_text=_("Philips CT dose info images"))
    del_nm_im = models.BooleanField(default=False, help_text=_("NM and PET images"))

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


class HomePageAdminSettings(SingletonModel):
    """Site-wide home page options set by an administrator."""

    enable_workload_stats = models.BooleanField(
        default=False, help_text=_("show the number of studies in the last A and B days on the home page"))

    class Meta:
        app_label = "dose"


PAGE_SIZE_CHOICES = [(n, str(n)) for n in (10, 25, 50, 100, 200, 400)]


class UserProfile(models.Model):
    """Per-user interface preferences (created on first use)."""

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="openrem_profile")
    items_per_page = models.PositiveSmallIntegerField(default=25, choices=PAGE_SIZE_CHOICES)
    workload_days_a = models.PositiveSmallIntegerField(default=7, help_text=_("home page workload period A (days)"))
    workload_days_b = models.PositiveSmallIntegerField(default=28, help_text=_("home page workload period B (days)"))

    class Meta:
        app_label = "dose"

    def __str__(self) -> str:
        return f"profile of user {self.user_id}"

    @classmethod
    def for_user(cls, user: object) -> UserProfile:
        """The profile of ``user`` (an unsaved default one for anonymous users)."""
        if not getattr(user, "is_authenticated", False):
            return cls()
        profile, _ = cls.objects.get_or_create(user=user)
        return profile


class StandardNameSettings(SingletonModel):
    """Whether standard name mapping is shown and offered as a study list filter."""

    enabled = models.BooleanField(default=False)

    class Meta:
        app_label = "dose"


STANDARD_NAME_SOURCES = ("study_description", "requested_procedure", "procedure", "acquisition_protocol")


class StandardName(models.Model):
    """A standard name for one source value of one modality: exactly one of study description,
    requested procedure, procedure or acquisition protocol is set, unique per modality."""

    MODALITIES = [("CT", "CT"), ("DX", "DX"), ("RF", "RF"), ("MG", "MG")]
    SOURCES = STANDARD_NAME_SOURCES
    standard_name = models.CharField(max_length=255, db_index=True)
    modality = models.CharField(max_length=2, choices=MODALITIES)
    study_description = models.CharField(max_length=255, null=True, blank=True)
    requested_procedure = models.CharField(max_length=255, null=True, blank=True)
    procedure = models.CharField(max_length=255, null=True, blank=True)
    acquisition_protocol = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        app_label = "dose"
        ordering = ["modality", "standard_name", "pk"]
        constraints = [
            *(models.UniqueConstraint(fields=["modality", f], name=f"unique_std_name_{f}")
              for f in STANDARD_NAME_SOURCES),
            models.CheckConstraint(
                name="std_name_exactly_one_source",
                condition=(
                    models.Q(study_description__isnull=False, requested_procedure=None, procedure=None,
                             acquisition_protocol=None)
                    | models.Q(study_description=None, requested_procedure__isnull=False, procedure=None,
                               acquisition_protocol=None)
                    | models.Q(study_description=None, requested_procedure=None, procedure__isnull=False,
                               acquisition_protocol=None)
                    | models.Q(study_description=None, requested_procedure=None, procedure=None,
                               acquisition_protocol__isnull=False))),
        ]

    def __str__(self) -> str:
        return f"{self.modality} {self.standard_name}"

    @property
    def source(self) -> tuple[str, str]:
        """(source field name, value) of this mapping."""
        for name in self.SOURCES:
            value = getattr(self, name)
            if value is not None:
                return name, value
        return "", ""
