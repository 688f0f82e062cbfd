"""The five modalities of the interface, declared once (spec: "Filtering for specific studies")."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openrem.dose.patient import sha256_hex
from openrem.dose.standard_names import acquisition_name_q, study_name_q
from openrem.modalities.base import (
    COUNT_CHOICES,
    Column,
    Filter,
    Modality,
    at_least,
    at_most,
    contains,
    event_count,
    event_exists,
)
from openrem.modalities.chart_registry import CT_CHARTS, DX_CHARTS, MG_CHARTS, NM_CHARTS, RF_CHARTS

# Stored units: DAP Gy·m², dose at RP Gy, AGD mGy, DLP mGy·cm, activity MBq. Columns and filters
# name a quantity of openrem.modalities.units, which gives the display unit (DAP: the user's choice).


def _identifier(path: str, hashed_flag: str) -> Any:
    """Plain contains, or an exact match of the SHA-256 where the value is stored hashed."""
    return lambda value: Q(**{f"{path}__icontains": value, hashed_flag: False}) | Q(
        **{path: sha256_hex(value), hashed_flag: True})


def _test_data(value: Any) -> Q:
    return Q() if value in (True, "yes", "1", "on") else Q(not_patient_indicator__isnull=True)


COMMON_FILTERS: tuple[Filter, ...] = (
    Filter("date_from", _("Date from"), "date_from", lambda v: Q(study_date__gte=v)),
    Filter("date_until", _("Date until"), "date_until", lambda v: Q(study_date__lte=v)),
    Filter("study_description", _("Study description"), "text", contains("study_description")),
    Filter("procedure", _("Procedure"), "text", contains("procedure_code_meaning")),
    Filter("requested_procedure", _("Requested procedure"), "text", contains("requested_procedure_code_meaning")),
    Filter("age_min", _("Min age"), "min", at_least("patient_age_decimal"), unit=_("years")),
    Filter("age_max", _("Max age"), "max", at_most("patient_age_decimal"), unit=_("years")),
    Filter("institution", _("Hospital"), "text", contains("equipment__institution_name")),
    Filter("manufacturer", _("Make"), "text", contains("equipment__manufacturer")),
    Filter("model", _("Model"), "text", contains("equipment__manufacturer_model_name")),
    Filter("station", _("Station name"), "text", contains("equipment__station_name")),
    Filter("display_name", _("Display name"), "text", contains("equipment__display_name")),
    Filter("accession", _("Accession number"), "text", _identifier("accession_number", "accession_hashed")),
    Filter("test_data", _("Include possible test data"), "choice", _test_data,
           choices=(("yes", _("Yes")), ("no", _("No")))),
    Filter("patient_name", _("Patient name"), "text", _identifier("patient_name", "patient_name_hashed"),
           group="pidgroup"),
    Filter("patient_id", _("Patient ID"), "text", _identifier("patient_id", "patient_id_hashed"), group="pidgroup"),
)

def standard_name_filters(code: str) -> tuple[Filter, ...]:
    """The standard study / acquisition name filters of one modality (spec: standard names)."""
    return (
        Filter("standard_study_name", _("Standard study name"), "text", lambda v: study_name_q(code, v)),
        Filter("standard_acquisition_name", _("Standard acquisition name"), "text",
               lambda v: acquisition_name_q(code, v)),
    )


WEIGHT_FILTERS = (
    Filter("weight_min", _("Min weight"), "min", at_least("patient_weight"), unit="kg"),
    Filter("weight_max", _("Max weight"), "max", at_most("patient_weight"), unit="kg"),
)

COMMON_COLUMNS = (
    Column("date", _("Date"), "study_datetime", order_by="study_datetime"),
    Column("display_name", _("System"), "equipment__display_name", order_by="equipment__display_name"),
    Column("description", _("Study description"), "study_description", order_by="study_description"),
    Column("accession", _("Accession number"), "accession_number"),
    Column("age", _("Age"), "patient_age_decimal", unit=_("years"), order_by="patient_age_decimal"),
)


def _events(label: Any = None) -> Column:
    return Column("events", label or _("Events"), "number_of_events", order_by="number_of_events")


CT = Modality(
    slug="ct", label=_("CT"), modality_types=("CT",), event_model="CtEvent",
    detail_template="web/detail/ct.html",
    columns=(*COMMON_COLUMNS, _events(), Column("dlp", _("Total DLP"), "total_dlp", quantity="dlp", order_by="total_dlp",
                                                       key_dose=True),
             # derived estimates (openrem.dose.derived), separate from the reported CTDIvol/DLP
             Column("ssde", _("Highest SSDE"), "max_ssde_mgy", quantity="ssde", order_by="max_ssde_mgy"),
             Column("effective_dose", _("Effective dose estimate"), "effective_dose_estimate_msv",
                    quantity="effective_dose", order_by="effective_dose_estimate_msv")),
    filters=(*COMMON_FILTERS, *WEIGHT_FILTERS, *standard_name_filters("CT"),
             Filter("protocol", _("Acquisition protocol"), "text",
                    event_exists("CtEvent", "acquisition_protocol__icontains")),
             Filter("dlp_min", _("Min study DLP"), "min", at_least("total_dlp"), quantity="dlp"),
             Filter("dlp_max", _("Max study DLP"), "max", at_most("total_dlp"), quantity="dlp"),
             Filter("ssde_min", _("Min highest SSDE"), "min", at_least("max_ssde_mgy"), quantity="ssde"),
             Filter("ssde_max", _("Max highest SSDE"), "max", at_most("max_ssde_mgy"), quantity="ssde"),
             Filter("events", _("Num. events total"), "count", event_count("number_of_events"), choices=COUNT_CHOICES),
             Filter("spiral", _("Num. spiral events"), "count", event_count("number_of_spiral"), choices=COUNT_CHOICES),
             Filter("axial", _("Num. axial events"), "count", event_count("number_of_axial"), choices=COUNT_CHOICES),
             Filter("localisers", _("Num. localisers"), "count", event_count("number_of_const_angle"),
                    choices=COUNT_CHOICES),
             Filter("stationary", _("Num. stationary events"), "count", event_count("number_of_stationary"),
                    choices=COUNT_CHOICES)),
    charts=CT_CHARTS, standard_names="CT",
)

RF = Modality(
    slug="rf", label=_("Fluoroscopy"), modality_types=("RF",), event_model="ProjectionEvent",
    detail_template="web/detail/rf.html",
    columns=(*COMMON_COLUMNS, _events(),
             Column("dap", _("Total DAP"), "total_dap", quantity="dap", order_by="total_dap", key_dose=True),
             Column("rp_dose", _("Total dose at RP (A)"), "total_rp_dose_a", quantity="rp_dose",
                    order_by="total_rp_dose_a", key_dose=True),
             Column("peak_skin_dose", _("Peak skin dose"), "skin_dose_map__peak_skin_dose_gy", quantity="skin_dose",
                    order_by="skin_dose_map__peak_skin_dose_gy"),
             # summed over the previous weeks for the same patient (openrem.alerts.cumulative)
             Column("dap_weeks", _("Summed DAP"), "total_dap_delta_weeks", quantity="dap"),
             Column("rp_weeks", _("Summed dose at RP"), "total_rp_dose_delta_weeks", quantity="rp_dose")),
    filters=(*COMMON_FILTERS, *standard_name_filters("RF"), *WEIGHT_FILTERS,
             Filter("protocol", _("Acquisition protocol"), "text",
                    event_exists("ProjectionEvent", "acquisition_protocol__icontains")),
             Filter("physician", _("Physician"), "text", contains("performing_physician_name")),
             Filter("dap_min", _("Min study DAP"), "min", at_least("total_dap"), quantity="dap"),
             Filter("dap_max", _("Max study DAP"), "max", at_most("total_dap"), quantity="dap"),
             Filter("psd_min", _("Min peak skin dose"), "min", at_least("skin_dose_map__peak_skin_dose_gy"),
                    quantity="skin_dose"),
             Filter("psd_max", _("Max peak skin dose"), "max", at_most("skin_dose_map__peak_skin_dose_gy"),
                    quantity="skin_dose")),
    charts=RF_CHARTS, standard_names="RF",
)

DX = Modality(
    slug="dx", label=_("Radiography"), modality_types=("DX", "CR", "PX"), event_model="ProjectionEvent",
    detail_template="web/detail/dx.html",
    columns=(*COMMON_COLUMNS, _events(),
             Column("dap", _("Total DAP"), "total_dap", quantity="dap", order_by="total_dap", key_dose=True)),
    filters=(*COMMON_FILTERS, *standard_name_filters("DX"), *WEIGHT_FILTERS,
             Filter("protocol", _("Acquisition protocol"), "text",
                    event_exists("ProjectionEvent", "acquisition_protocol__icontains")),
             Filter("dap_min", _("Min study DAP"), "min", at_least("total_dap"), quantity="dap"),
             Filter("dap_max", _("Max study DAP"), "max", at_most("total_dap"), quantity="dap"),
             Filter("event_dap_min", _("Min acquisition DAP"), "min",
                    event_exists("ProjectionEvent", "dose_area_product__gte"), quantity="dap"),
             Filter("event_dap_max", _("Max acquisition DAP"), "max",
                    event_exists("ProjectionEvent", "dose_area_product__lte"), quantity="dap"),
             Filter("events", _("Num. events total"), "count", event_count("number_of_events"), choices=COUNT_CHOICES)),
    charts=DX_CHARTS, standard_names="DX",
)

MG = Modality(
    slug="mg", label=_("Mammography"), modality_types=("MG",), event_model="ProjectionEvent",
    detail_template="web/detail/mg.html",
    columns=(*COMMON_COLUMNS, _events(),
             Column("agd_left", _("AGD left"), "total_agd_left", quantity="agd", order_by="total_agd_left",
                    key_dose=True),
             Column("agd_right", _("AGD right"), "total_agd_right", quantity="agd", order_by="total_agd_right",
                    key_dose=True)),
    filters=(*COMMON_FILTERS, *standard_name_filters("MG"),
             Filter("protocol", _("Acquisition protocol"), "text",
                    event_exists("ProjectionEvent", "acquisition_protocol__icontains")),
             Filter("view", _("View code"), "text", event_exists("ProjectionEvent", "image_view__icontains")),
             Filter("thickness_min", _("Min breast thickness"), "min",
                    event_exists("ProjectionEvent", "compression_thickness__gte"), unit="mm"),
             Filter("thickness_max", _("Max breast thickness"), "max",
                    event_exists("ProjectionEvent", "compression_thickness__lte"), unit="mm"),
             Filter("exposure_control", _("Exposure control mode"), "text",
                    event_exists("ProjectionEvent", "exposure_control_mode__icontains")),
             Filter("events", _("Num. events total"), "count", event_count("number_of_events"), choices=COUNT_CHOICES)),
    charts=MG_CHARTS, standard_names="MG",
)

NM = Modality(
    slug="nm", label=_("Nuclear medicine"), modality_types=("NM",), event_model="Administration",
    detail_template="web/detail/nm.html",
    columns=(*COMMON_COLUMNS,
             Column("activity", _("Administered activity"), "total_administered_activity", quantity="activity",
                    order_by="total_administered_activity", key_dose=True),
             # derived estimate (openrem.dose.derived), separate from the effective dose the RRDSR reports
             Column("effective_dose", _("Effective dose estimate"), "effective_dose_estimate_msv",
                    quantity="effective_dose", order_by="effective_dose_estimate_msv")),
    filters=(*COMMON_FILTERS, *WEIGHT_FILTERS,
             Filter("activity_min", _("Min administered activity"), "min", at_least("total_administered_activity"),
                    quantity="activity"),
             Filter("activity_max", _("Max administered activity"), "max", at_most("total_administered_activity"),
                    quantity="activity")),
    charts=NM_CHARTS,
)

MODALITIES: dict[str, Modality] = {m.slug: m for m in (CT, RF, MG, DX, NM)}


def for_modality_type(modality_type: str | None) -> Modality | None:
    """The interface modality listing studies of this ``Study.modality_type``."""
    for modality in MODALITIES.values():
        if modality_type in modality.modality_types:
            return modality
    return None
