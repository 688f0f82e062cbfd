"""Who may use each URL of the site: the source of truth for tests/web/test_permissions.py.

One entry per URL pattern name. ``kwargs``: sample URL arguments (``"<study>"`` is replaced by the
pk of a study of the right modality, ``"<equipment>"`` by an equipment pk); ``allowed``: the groups
whose single membership grants access ("anonymous" for public pages); ``methods``: what to try;
``ends_at_login``: the page itself sends everyone to the login page (logout), which is not a denial.
``"<not_patient>"`` is replaced by the pk of a NotPatientIndicator and ``"<standard_name>"`` by the pk
of a StandardName (the test creates one when there is none; see ``tests/web/test_config_permissions.py``);
``"<store_node>"`` / ``"<remote_node>"`` by the pk of a StoreNode / RemoteNode on 127.0.0.1, port 1.
A test fails when a URL pattern has no entry here.
"""

from __future__ import annotations

from typing import Any

VIEWERS = {"viewgroup", "exportgroup", "pidgroup", "admingroup"}
ANY_USER = {"viewgroup", "exportgroup", "pidgroup", "importsizegroup", "importqrgroup", "admingroup"}

MATRIX: dict[str, dict[str, Any]] = {
    "home": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET"]},
    # monitoring: public, states only (details for signed-in users; openrem.ops.health)
    "health": {"kwargs": {}, "allowed": {"anonymous", *ANY_USER}, "methods": ["GET"]},
    "login": {"kwargs": {}, "allowed": {"anonymous", *ANY_USER}, "methods": ["GET"]},
    "logout": {"kwargs": {}, "allowed": {"anonymous", *ANY_USER}, "methods": ["POST"], "ends_at_login": True},
    "password_change": {"kwargs": {}, "allowed": ANY_USER, "methods": ["GET"]},
    "password_change_done": {"kwargs": {}, "allowed": ANY_USER, "methods": ["GET"]},
    "study_list": {"kwargs": {"slug": "ct"}, "allowed": VIEWERS, "methods": ["GET"]},
    "study_detail": {"kwargs": {"slug": "ct", "pk": "<study>"}, "allowed": VIEWERS, "methods": ["GET"]},
    "study_list_columns": {"kwargs": {"slug": "ct"}, "allowed": VIEWERS, "methods": ["POST"]},
    "study_delete": {"kwargs": {"pk": "<study>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "api_modalities": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET"]},
    "api_docs": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET"]},
    # import page: users with import rights (openrem.web.access.can_import)
    "import_upload": {"kwargs": {}, "allowed": {"importqrgroup", "importsizegroup", "admingroup"},
                      "methods": ["GET", "POST"]},
    "api_openapi": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET"]},
    "api_study_list": {"kwargs": {"slug": "ct"}, "allowed": VIEWERS, "methods": ["GET"]},
    "api_study_detail": {"kwargs": {"slug": "ct", "pk": "<study>"}, "allowed": VIEWERS, "methods": ["GET"]},
    # charts: the same permissions as the lists
    "api_chart_list": {"kwargs": {"slug": "ct"}, "allowed": VIEWERS, "methods": ["GET"]},
    "api_chart_data": {"kwargs": {"slug": "ct", "chart_id": "study_description_dlp"}, "allowed": VIEWERS,
                       "methods": ["GET"]},
    "chart_options": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET", "POST"]},
    "chart_options_modality": {"kwargs": {"slug": "ct"}, "allowed": VIEWERS, "methods": ["POST"]},
    "config_display_names": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET"]},
    "config_display_names_edit": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "config_observer_uid": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["POST"]},
    "config_equipment_review": {"kwargs": {"pk": "<equipment>"}, "allowed": VIEWERS, "methods": ["GET"]},
    "config_equipment_delete": {"kwargs": {"pk": "<equipment>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "config_equipment_reprocess": {"kwargs": {"pk": "<equipment>"}, "allowed": {"admingroup"}, "methods": ["POST"]},
    "config_failed_imports": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET"]},
    "config_failed_delete": {"kwargs": {"kind": "unknown"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "config_not_patient": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET"]},
    "config_not_patient_add": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "config_not_patient_edit": {"kwargs": {"pk": "<not_patient>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "config_not_patient_delete": {"kwargs": {"pk": "<not_patient>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "config_not_patient_restore": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["POST"]},
    "config_not_patient_reflag": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["POST"]},
    "config_patient_id": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "config_dicom_delete": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "config_home_options": {"kwargs": {}, "allowed": ANY_USER, "methods": ["GET"]},
    "config_standard_names": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET"]},
    "config_standard_name_add": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "config_standard_name_edit": {"kwargs": {"pk": "<standard_name>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "config_standard_name_delete": {"kwargs": {"pk": "<standard_name>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "config_standard_name_settings": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    # task pages: admins see all tasks, other users only their own (openrem.web.views.tasks)
    "tasks": {"kwargs": {}, "allowed": ANY_USER, "methods": ["GET"]},
    "tasks_json": {"kwargs": {}, "allowed": ANY_USER, "methods": ["GET"]},
    "tasks_terminate": {"kwargs": {"pk": 999999}, "allowed": {"admingroup"}, "methods": ["POST"]},
    "tasks_settings": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    # diagnostic reference levels (openrem.drl)
    "drl_compare": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET"]},
    # storing the local DRLs of a comparison as a DRL set: administrators
    "drl_export_local": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["POST"]},
    # skin dose maps (openrem.skinmaps)
    "skinmap_safelist": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "skinmap_data": {"kwargs": {"pk": "<study>"}, "allowed": VIEWERS, "methods": ["GET"]},
    "skinmap_recalculate": {"kwargs": {"pk": "<study>"}, "allowed": {"admingroup"}, "methods": ["POST"]},
    "tasks_requeue": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["POST"]},
    # token-authenticated (no session): every session user and anonymous get 401; the tokens are tested
    # in tests/netdicom/test_http_import.py
    "import_orthanc": {"kwargs": {}, "allowed": set(), "methods": ["GET", "POST"]},
    # DICOM network page (openrem.netdicom.views); status: C-ECHO to a closed port on 127.0.0.1
    "dicom_network": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET"]},
    "dicom_store_add": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "dicom_store_edit": {"kwargs": {"pk": "<store_node>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "dicom_store_delete": {"kwargs": {"pk": "<store_node>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "dicom_store_status": {"kwargs": {"pk": "<store_node>"}, "allowed": VIEWERS, "methods": ["GET"]},
    "dicom_remote_add": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "dicom_remote_edit": {"kwargs": {"pk": "<remote_node>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "dicom_remote_delete": {"kwargs": {"pk": "<remote_node>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "dicom_remote_status": {"kwargs": {"pk": "<remote_node>"}, "allowed": VIEWERS, "methods": ["GET"]},
    # query-retrieve (openrem.netdicom.qr_views): querying needs importqrgroup; the summary pages and deleting
    # queries importqrgroup or admingroup (pk 1 may not exist: a 404 still counts as allowed)
    "dicom_query": {"kwargs": {}, "allowed": {"importqrgroup"}, "methods": ["GET"]},
    "dicom_query_list": {"kwargs": {}, "allowed": {"importqrgroup", "admingroup"}, "methods": ["GET"]},
    "dicom_query_delete": {"kwargs": {}, "allowed": {"importqrgroup", "admingroup"}, "methods": ["POST"]},
    "dicom_query_detail": {"kwargs": {"pk": 1}, "allowed": {"importqrgroup", "admingroup"}, "methods": ["GET"]},
    "dicom_query_status": {"kwargs": {"pk": 1}, "allowed": {"importqrgroup", "admingroup"}, "methods": ["GET"]},
    "dicom_query_move": {"kwargs": {"pk": 1}, "allowed": {"importqrgroup"}, "methods": ["POST"]},
    "dicom_query_study": {"kwargs": {"pk": 1}, "allowed": {"importqrgroup", "admingroup"}, "methods": ["GET"]},
    # exports (openrem.exports.views): starting needs exportgroup, a patient-identifier export exportgroup and
    # pidgroup together (no single group); pk 999999 does not exist (a 404 still counts as allowed)
    "exports": {"kwargs": {}, "allowed": ANY_USER, "methods": ["GET"]},
    "exports_table": {"kwargs": {}, "allowed": ANY_USER, "methods": ["GET"]},
    "export_start": {"kwargs": {"modality": "ct", "fmt": "csv"}, "allowed": {"exportgroup"}, "methods": ["POST"]},
    "export_start_pid": {"kwargs": {"modality": "ct", "fmt": "csv", "variant": "both"}, "allowed": set(),
                         "methods": ["POST"]},
    "export_openskin": {"kwargs": {"pk": "<study>"}, "allowed": {"exportgroup"}, "methods": ["POST"]},
    "export_download": {"kwargs": {"pk": 999999}, "allowed": {"exportgroup"}, "methods": ["GET"]},
    "export_abort": {"kwargs": {"pk": 999999}, "allowed": {"exportgroup"}, "methods": ["POST"]},
    "export_remove": {"kwargs": {"pk": 999999}, "allowed": {"exportgroup"}, "methods": ["POST"]},
    "export_delete": {"kwargs": {"pk": 999999}, "allowed": ANY_USER, "methods": ["POST"]},
    # dose alerts (openrem.alerts.views): viewers see the alerts, admins acknowledge and configure
    "alerts_list": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET"]},
    "alerts_acknowledge": {"kwargs": {"pk": 999999}, "allowed": {"admingroup"}, "methods": ["POST"]},
    "alerts_rf_settings": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "alerts_recalculate": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["POST"]},
    "alerts_rules": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "alerts_rule_add": {"kwargs": {}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "alerts_rule_edit": {"kwargs": {"pk": "<alert_rule>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    "alerts_rule_delete": {"kwargs": {"pk": "<alert_rule>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
    # patient size import (openrem.ptsize.views): uploading needs importsizegroup; the imports list, abort,
    # log and delete importsizegroup or admingroup (pk 999999 does not exist: a 404 counts as allowed)
    "ptsize_upload": {"kwargs": {}, "allowed": {"importsizegroup"}, "methods": ["GET"]},
    "ptsize_process": {"kwargs": {"pk": 999999}, "allowed": {"importsizegroup"}, "methods": ["GET"]},
    "ptsize_imports": {"kwargs": {}, "allowed": {"importsizegroup", "admingroup"}, "methods": ["GET"]},
    "ptsize_abort": {"kwargs": {"pk": 999999}, "allowed": {"importsizegroup", "admingroup"}, "methods": ["POST"]},
    "ptsize_log": {"kwargs": {"pk": 999999}, "allowed": {"importsizegroup", "admingroup"}, "methods": ["GET"]},
    # effective dose estimates summed per patient (openrem.web.views.patient_dose): patient identifiers
    "patient_dose": {"kwargs": {}, "allowed": {"pidgroup"}, "methods": ["GET"]},
    "ptsize_delete": {"kwargs": {}, "allowed": {"importsizegroup", "admingroup"}, "methods": ["POST"]},
}


def config_placeholder(value: Any) -> Any:
    """The pk for ``"<not_patient>"`` / ``"<standard_name>"`` (a row is created when there is none);
    any other value is returned unchanged."""
    if value == "<not_patient>":
        from openrem.dose.models import NotPatientIndicator

        return NotPatientIndicator.objects.get_or_create(field="id", pattern="*matrix*")[0].pk
    if value == "<standard_name>":
        from openrem.dose.models import StandardName

        return StandardName.objects.get_or_create(standard_name="Matrix", modality="CT",
                                                  study_description="matrix")[0].pk
    if value == "<store_node>":
        from openrem.netdicom.models import StoreNode

        return StoreNode.objects.get_or_create(name="Matrix store", defaults={"aet": "MATRIX", "port": 1})[0].pk
    if value == "<remote_node>":
        from openrem.netdicom.models import RemoteNode

        return RemoteNode.objects.get_or_create(name="Matrix QR", defaults={
            "remote_aet": "MATRIXQR", "port": 1, "ip": "127.0.0.1"})[0].pk
    if value == "<alert_rule>":
        from openrem.alerts.models import AlertRule

        return AlertRule.objects.get_or_create(name="Matrix rule", modality="ct", measure="total_dlp",
                                               defaults={"threshold": 1000.0})[0].pk
    return value
