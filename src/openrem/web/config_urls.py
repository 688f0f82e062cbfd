"""URLs of the configuration pages, mounted under ``config/`` (names start with ``config_``)."""

from django.urls import path

from openrem.web.views import config_equipment as eq
from openrem.web.views import config_names as names
from openrem.web.views import config_settings as cfg

urlpatterns = [
    path("display-names/", eq.display_names, name="config_display_names"),
    path("display-names/edit/", eq.display_names_edit, name="config_display_names_edit"),
    path("display-names/observer-uid/", eq.observer_uid, name="config_observer_uid"),
    path("equipment/<int:pk>/review/", eq.equipment_review, name="config_equipment_review"),
    path("equipment/<int:pk>/delete/", eq.equipment_delete, name="config_equipment_delete"),
    path("equipment/<int:pk>/reprocess/", eq.equipment_reprocess, name="config_equipment_reprocess"),
    path("failed-imports/", eq.failed_imports, name="config_failed_imports"),
    path("failed-imports/<slug:kind>/delete/", eq.failed_delete, name="config_failed_delete"),
    path("not-patient/", cfg.not_patient, name="config_not_patient"),
    path("not-patient/add/", cfg.not_patient_add, name="config_not_patient_add"),
    path("not-patient/<int:pk>/", cfg.not_patient_edit, name="config_not_patient_edit"),
    path("not-patient/<int:pk>/delete/", cfg.not_patient_delete, name="config_not_patient_delete"),
    path("not-patient/restore-074/", cfg.not_patient_restore, name="config_not_patient_restore"),
    path("not-patient/reflag/", cfg.not_patient_reflag, name="config_not_patient_reflag"),
    path("patient-id/", cfg.patient_id_settings, name="config_patient_id"),
    path("dicom-delete/", cfg.dicom_delete_settings, name="config_dicom_delete"),
    path("home/", cfg.home_options, name="config_home_options"),
    path("standard-names/", names.standard_names_list, name="config_standard_names"),
    path("standard-names/add/", names.standard_name_add, name="config_standard_name_add"),
    path("standard-names/<int:pk>/", names.standard_name_edit, name="config_standard_name_edit"),
    path("standard-names/<int:pk>/delete/", names.standard_name_delete, name="config_standard_name_delete"),
    path("standard-names/settings/", names.standard_name_settings, name="config_standard_name_settings"),
]
