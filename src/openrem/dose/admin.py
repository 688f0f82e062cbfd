"""Django admin registrations for the dose store."""

from django.contrib import admin

from openrem.dose.models import NotPatientIndicator, PatientIDSettings, Study, UniqueEquipment


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("study_date", "modality_type", "study_description", "equipment", "number_of_events",
                    "total_dlp", "total_dap")
    list_filter = ("modality_type",)
    search_fields = ("study_instance_uid", "accession_number", "study_description")


@admin.register(UniqueEquipment)
class UniqueEquipmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("display_name", "manufacturer", "manufacturer_model_name", "station_name",
                    "user_defined_modality")


admin.site.register(PatientIDSettings)
admin.site.register(NotPatientIndicator)
