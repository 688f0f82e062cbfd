"""Study-level tables: the study row with its indexed summary columns, equipment, processed objects."""

from __future__ import annotations

from django.db import models


class UniqueEquipment(models.Model):
    """One X-ray or NM system: a distinct combination of the eight General Equipment identity fields
    (PS3.3 C.7.5.1) plus the Device Observer UID. Users give it a display name and may override the
    modality (user-defined modality: DX, RF, dual, ...)."""

    manufacturer = models.TextField(null=True, blank=True)
    institution_name = models.TextField(null=True, blank=True)
    station_name = models.TextField(null=True, blank=True)
    institutional_department_name = models.TextField(null=True, blank=True)
    manufacturer_model_name = models.TextField(null=True, blank=True)
    device_serial_number = models.TextField(null=True, blank=True)
    software_versions = models.TextField(null=True, blank=True)
    gantry_id = models.TextField(null=True, blank=True)
    device_observer_uid = models.TextField(null=True, blank=True)
    identity_hash = models.CharField(max_length=64, unique=True,
                                     help_text="SHA-256 of the eight identity fields and the observer UID")
    fields_hash = models.CharField(max_length=64, db_index=True,
                                   help_text="SHA-256 of the eight identity fields only")
    display_name = models.CharField(max_length=255, db_index=True)
    user_defined_modality = models.CharField(max_length=16, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "dose"
        ordering = ["display_name", "pk"]

    def __str__(self) -> str:
        return self.display_name


class Study(models.Model):
    """General Study (PS3.3 C.7.2.1), Patient (C.7.1.1) and Patient Study (C.7.2.2) data of one study,
    with denormalised summary columns so lists, filters and charts need no per-row joins."""

    study_instance_uid = models.CharField(max_length=64, db_index=True)
    modality_type = models.CharField(max_length=8, null=True, blank=True, db_index=True)
    source_kind = models.CharField(max_length=32, help_text="parser that created the study")
    study_date = models.DateField(null=True, blank=True, db_index=True)
    study_time = models.TimeField(null=True, blank=True)
    study_datetime = models.DateTimeField(null=True, blank=True, db_index=True)
    accession_number = models.TextField(null=True, blank=True)
    accession_hashed = models.BooleanField(default=False)
    study_description = models.TextField(null=True, blank=True)
    study_id = models.TextField(null=True, blank=True)
    procedure_code_value = models.TextField(null=True, blank=True)
    procedure_code_meaning = models.TextField(null=True, blank=True)
    requested_procedure_code_value = models.TextField(null=True, blank=True)
    requested_procedure_code_meaning = models.TextField(null=True, blank=True)
    operator_name = models.TextField(null=True, blank=True)
    performing_physician_name = models.TextField(null=True, blank=True)
    referring_physician_name = models.TextField(null=True, blank=True)
    series_instance_uid = models.CharField(max_length=64, null=True, blank=True)
    series_time = models.TimeField(null=True, blank=True)
    content_time = models.TimeField(null=True, blank=True)
    comment = models.TextField(null=True, blank=True)
    header_rank = models.CharField(max_length=128, default="",
                                   help_text="sort key of the object the study attributes came from")
    # patient (stored only as the patient identifier settings allow)
    patient_name = models.TextField(null=True, blank=True)
    patient_name_hashed = models.BooleanField(default=False)
    patient_id = models.TextField(null=True, blank=True, db_index=True)
    patient_id_hashed = models.BooleanField(default=False)
    patient_birth_date = models.DateField(null=True, blank=True)
    patient_sex = models.CharField(max_length=16, null=True, blank=True)
    not_patient_indicator = models.TextField(null=True, blank=True)
    patient_age = models.CharField(max_length=16, null=True, blank=True)
    patient_age_decimal = models.FloatField(null=True, blank=True, db_comment="unit: a")
    patient_size = models.FloatField(null=True, blank=True, db_comment="unit: m")
    patient_weight = models.FloatField(null=True, blank=True, db_comment="unit: kg")
    equipment = models.ForeignKey(UniqueEquipment, on_delete=models.PROTECT, related_name="studies")
    # summary columns (see openrem.dose.summary)
    number_of_events = models.IntegerField(null=True, blank=True)
    number_of_events_a = models.IntegerField(null=True, blank=True)
    number_of_events_b = models.IntegerField(null=True, blank=True)
    number_of_planes = models.IntegerField(null=True, blank=True)
    number_of_axial = models.IntegerField(null=True, blank=True)
    number_of_spiral = models.IntegerField(null=True, blank=True)
    number_of_stationary = models.IntegerField(null=True, blank=True)
    number_of_const_angle = models.IntegerField(null=True, blank=True)
    total_dlp = models.FloatField(null=True, blank=True, db_index=True, db_comment="unit: mGy.cm")
    total_dap = models.FloatField(null=True, blank=True, db_index=True, db_comment="unit: Gy.m2")
    total_dap_a = models.FloatField(null=True, blank=True, db_comment="unit: Gy.m2")
    total_dap_b = models.FloatField(null=True, blank=True, db_comment="unit: Gy.m2")
    total_rp_dose_a = models.FloatField(null=True, blank=True, db_comment="unit: Gy")
    total_rp_dose_b = models.FloatField(null=True, blank=True, db_comment="unit: Gy")
    total_dap_delta_weeks = models.FloatField(null=True, blank=True, db_comment="unit: Gy.m2")
    total_rp_dose_delta_weeks = models.FloatField(null=True, blank=True, db_comment="unit: Gy")
    total_agd_left = models.FloatField(null=True, blank=True, db_comment="unit: mGy")
    total_agd_right = models.FloatField(null=True, blank=True, db_comment="unit: mGy")
    total_agd_both = models.FloatField(null=True, blank=True, db_comment="unit: mGy")
    total_administered_activity = models.FloatField(null=True, blank=True, db_comment="unit: MBq")
    # derived estimates (see openrem.dose.derived): never mixed with the reported dose indices
    max_ssde_mgy = models.FloatField(null=True, blank=True, db_comment="unit: mGy; highest event SSDE")
    effective_dose_estimate_msv = models.FloatField(
        null=True, blank=True, db_comment="unit: mSv; population-average estimate, not patient dose")
    effective_dose_region = models.TextField(null=True, blank=True)  # CT regions or NM agents, "+"-joined
    effective_dose_coefficients = models.CharField(max_length=64, null=True, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    vendor_fixes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "dose"
        ordering = ["-study_datetime", "-pk"]
        # One (modality_type, sort column, id) index per ordering of the study lists: a page of a
        # million-row list is then an index range scan in either direction, id being the tiebreak.
        # On PostgreSQL, migration 0003 adds trigram indexes for the "contains" filters.
        indexes = [
            models.Index(fields=["modality_type", "study_datetime", "id"], name="study_mod_datetime"),
            models.Index(fields=["equipment", "-study_datetime"], name="study_equipment_date"),
            models.Index(fields=["modality_type", "total_dlp", "id"], name="study_mod_dlp"),
            models.Index(fields=["modality_type", "total_dap", "id"], name="study_mod_dap"),
            models.Index(fields=["modality_type", "max_ssde_mgy", "id"], name="study_mod_ssde"),
            models.Index(fields=["modality_type", "effective_dose_estimate_msv", "id"], name="study_mod_edose"),
            models.Index(fields=["modality_type", "patient_age_decimal", "id"], name="study_mod_age"),
            models.Index(fields=["modality_type", "number_of_events", "id"], name="study_mod_events"),
            models.Index(fields=["modality_type", "study_description", "id"], name="study_mod_description"),
        ]

    def __str__(self) -> str:
        return f"{self.modality_type} study {self.study_instance_uid}"


class ProcessedObject(models.Model):
    """A DICOM object (SOP Instance UID) whose content is in this study; used for duplicate checks."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="processed_objects")
    sop_instance_uid = models.CharField(max_length=64, db_index=True)
    sop_class_uid = models.CharField(max_length=64, null=True, blank=True)
    acquisition_datetime = models.DateTimeField(null=True, blank=True)
    source_name = models.CharField(max_length=255, null=True, blank=True,
                                   help_text="where the object came from (file name, network sender)")
    changed_study = models.BooleanField(default=True, help_text="its import created or changed the study")

    class Meta:
        app_label = "dose"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["study", "sop_instance_uid"], name="unique_object_per_study")]
