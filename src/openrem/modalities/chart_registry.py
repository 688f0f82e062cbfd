"""The charts of every modality (feature inventory 4.3), one declaration each.

Average charts give mean bars, median bars, a boxplot and (optionally) a histogram; which of them
are drawn is a user option. Event-level values come from the dose-tree event rows (CT TID 10013,
projection X-ray TID 10003, radiopharmaceutical administration TID 10022); study-level values from
the study summary columns. docs/charts.md lists them all; docs/adding-a-chart.md shows how to add one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import FloatField, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from openrem.modalities.chartdefs import (
    Chart,
    Grouping,
    Level,
    Measure,
    average,
    binned,
    frequency,
    over_time,
    scatter,
    workload,
)

EVENT, STUDY = Level.EVENT, Level.STUDY


def first_value(path: str, scale: float = 1.0) -> Any:
    """The first number of a JSON list column (per-pulse kVp, uAs; one value for a single exposure)."""

    def build() -> Any:
        expr: Any = Cast(KeyTextTransform("0", path), FloatField())
        return expr * Value(scale) if scale != 1.0 else expr

    return build


def fmt(template: Any, **parts: Any) -> Any:
    """A title translated when shown: ``template`` (a lazy string) filled with the lazy ``parts``."""
    return lazy(lambda: str(template) % {k: str(v) for k, v in parts.items()}, str)()


# ----------------------------------------------------------------------------- groupings
STUDY_DESCRIPTION = Grouping("study_description", _("Study description"), STUDY, "study_description")
REQUESTED_PROCEDURE = Grouping("requested_procedure", _("Requested procedure"), STUDY,
                               "requested_procedure_code_meaning")
PROTOCOL = Grouping("acquisition_protocol", _("Acquisition protocol"), EVENT, "acquisition_protocol")
STANDARD_STUDY = Grouping("standard_study_name", _("Standard study name"), STUDY, standard="study")
STANDARD_ACQUISITION = Grouping("standard_acquisition_name", _("Standard acquisition name"), EVENT,
                                "acquisition_protocol", standard="acquisition")

# ----------------------------------------------------------------------------- measures
MASS = Measure("mass", _("Patient mass"), STUDY, "kg", "patient_weight")
EVENTS = Measure("events", _("Number of events"), STUDY, "", "number_of_events")
CT_DLP = Measure("dlp", _("DLP"), EVENT, "mGy·cm", "dlp")
CT_CTDIVOL = Measure("ctdivol", _("CTDIvol"), EVENT, "mGy", "mean_ctdivol", drl_quantity="ctdivol")
CT_TOTAL_DLP = Measure("dlp", _("Total DLP"), STUDY, "mGy·cm", "total_dlp", drl_quantity="dlp")
# derived estimates (openrem.dose.derived); events or studies without an estimate are left out
CT_SSDE = Measure("ssde", _("SSDE"), EVENT, "mGy", "ssde_mgy")
CT_EFFECTIVE_DOSE = Measure("effective_dose", _("Effective dose estimate"), STUDY, "mSv",
                            "effective_dose_estimate_msv")
DAP = Measure("dap", _("DAP"), EVENT, "Gy·m²", "dose_area_product", "cGy·cm²", 1e6)
TOTAL_DAP = Measure("dap", _("Total DAP"), STUDY, "Gy·m²", "total_dap", "cGy·cm²", 1e6, drl_quantity="dap")
KVP = Measure("kvp", _("kVp"), EVENT, "kV", expression=first_value("kvp"))
MAS = Measure("mas", _("mAs"), EVENT, "mAs", expression=first_value("exposure_uAs", 1e-3))
AGD = Measure("agd", _("AGD"), EVENT, "mGy", "average_glandular_dose")
THICKNESS = Measure("thickness", _("Compressed breast thickness"), EVENT, "mm", "compression_thickness")
ACTIVITY = Measure("activity", _("Administered activity"), STUDY, "MBq", "total_administered_activity")


def _acquisition(grouping: Grouping, dose: Measure, others: tuple[Measure, ...], label: Any) -> list[Chart]:
    """Frequency, averages, over time and vs mass of acquisition-level ``dose`` (CT, DX)."""
    charts = [frequency(grouping, fmt(_("%(g)s frequency"), g=label)),
              average(grouping, dose, fmt(_("%(g)s %(m)s"), g=label, m=dose.label), default=grouping is PROTOCOL)]
    for measure in others:
        charts.append(average(grouping, measure, fmt(_("%(g)s %(m)s"), g=label, m=measure.label),
                              default=grouping is PROTOCOL and measure is CT_CTDIVOL))
    for measure in (dose, *others):
        charts.append(over_time(grouping, measure, fmt(_("%(g)s %(m)s over time"), g=label, m=measure.label)))
    for measure in (dose, *((CT_CTDIVOL,) if dose is CT_DLP else ())):
        charts.append(scatter(grouping, measure, MASS, fmt(_("%(g)s %(m)s vs patient mass"), g=label, m=measure.label)))
    return charts


CT_CHARTS: tuple[Chart, ...] = (
    *_acquisition(PROTOCOL, CT_DLP, (CT_CTDIVOL,), _("Acquisition protocol")),
    frequency(STUDY_DESCRIPTION, _("Study description frequency")),
    average(STUDY_DESCRIPTION, CT_TOTAL_DLP, _("Study description DLP"), default=True),
    average(STUDY_DESCRIPTION, CT_CTDIVOL, _("Study description CTDIvol"), default=True),
    average(STUDY_DESCRIPTION, EVENTS, _("Study description number of events")),
    over_time(STUDY_DESCRIPTION, CT_TOTAL_DLP, _("Study description DLP over time")),
    workload(STUDY_DESCRIPTION, _("Study workload")),
    frequency(REQUESTED_PROCEDURE, _("Requested procedure frequency")),
    average(REQUESTED_PROCEDURE, CT_TOTAL_DLP, _("Requested procedure DLP")),
    average(REQUESTED_PROCEDURE, EVENTS, _("Requested procedure number of events")),
    over_time(REQUESTED_PROCEDURE, CT_TOTAL_DLP, _("Requested procedure DLP over time")),
    *_acquisition(STANDARD_ACQUISITION, CT_DLP, (CT_CTDIVOL,), _("Standard acquisition name")),
    frequency(STANDARD_STUDY, _("Standard study name frequency")),
    average(STANDARD_STUDY, CT_TOTAL_DLP, _("Standard study name DLP")),
    average(STANDARD_STUDY, EVENTS, _("Standard study name number of events")),
    over_time(STANDARD_STUDY, CT_TOTAL_DLP, _("Standard study name DLP over time")),
    workload(STANDARD_STUDY, _("Standard study name workload")),
    average(PROTOCOL, CT_SSDE, _("Acquisition protocol SSDE")),
    average(STUDY_DESCRIPTION, CT_SSDE, _("Study description SSDE")),
    average(STUDY_DESCRIPTION, CT_EFFECTIVE_DOSE, _("Study description effective dose estimate")),
)


def _dx_acquisition(grouping: Grouping, label: Any) -> list[Chart]:
    return _acquisition(grouping, DAP, (KVP, MAS), label)


def _study_dap(grouping: Grouping, label: Any, default: bool, mass: bool = True) -> list[Chart]:
    charts = [frequency(grouping, fmt(_("%(g)s frequency"), g=label), default=default),
              average(grouping, TOTAL_DAP, fmt(_("%(g)s DAP"), g=label), default=default)]
    if mass:
        charts.append(scatter(grouping, TOTAL_DAP, MASS, fmt(_("%(g)s DAP vs patient mass"), g=label)))
    return charts


DX_CHARTS: tuple[Chart, ...] = (
    *_dx_acquisition(PROTOCOL, _("Acquisition protocol")),
    *_study_dap(STUDY_DESCRIPTION, _("Study description"), True),
    workload(STUDY_DESCRIPTION, _("Study workload")),
    *_study_dap(REQUESTED_PROCEDURE, _("Requested procedure"), True),
    *_dx_acquisition(STANDARD_ACQUISITION, _("Standard acquisition name")),
    *_study_dap(STANDARD_STUDY, _("Standard study name"), False),
    workload(STANDARD_STUDY, _("Standard study name workload")),
)


def _rf(grouping: Grouping, label: Any, default_dap: bool, default_frequency: bool) -> list[Chart]:
    charts = [average(grouping, TOTAL_DAP, fmt(_("%(g)s DAP"), g=label), default=default_dap),
              frequency(grouping, fmt(_("%(g)s frequency"), g=label), default=default_frequency)]
    if grouping is not REQUESTED_PROCEDURE:
        charts.append(workload(grouping, fmt(_("%(g)s workload"), g=label)))
    charts.append(over_time(grouping, TOTAL_DAP, fmt(_("%(g)s DAP over time"), g=label)))
    return charts


RF_CHARTS: tuple[Chart, ...] = (
    *_rf(STUDY_DESCRIPTION, _("Study description"), True, False),
    *_rf(REQUESTED_PROCEDURE, _("Requested procedure"), True, True),
    *_rf(STANDARD_STUDY, _("Standard study name"), False, False),
)


def _mg(grouping: Grouping, label: Any, default: bool) -> list[Chart]:
    return [
        frequency(grouping, fmt(_("%(g)s frequency"), g=label)),
        average(grouping, AGD, fmt(_("%(g)s AGD"), g=label), default=default),
        binned(grouping, AGD, THICKNESS, fmt(_("%(g)s average AGD vs compressed breast thickness"), g=label)),
        over_time(grouping, AGD, fmt(_("%(g)s AGD over time"), g=label)),
        scatter(grouping, AGD, THICKNESS, fmt(_("%(g)s AGD vs compressed breast thickness"), g=label)),
        scatter(grouping, KVP, THICKNESS, fmt(_("%(g)s kVp vs compressed breast thickness"), g=label)),
        scatter(grouping, MAS, THICKNESS, fmt(_("%(g)s mAs vs compressed breast thickness"), g=label)),
    ]


MG_CHARTS: tuple[Chart, ...] = (
    *_mg(PROTOCOL, _("Acquisition protocol"), True),
    workload(STUDY_DESCRIPTION, _("Study workload")),
    *_mg(STANDARD_ACQUISITION, _("Standard acquisition name"), False),
    workload(STANDARD_STUDY, _("Standard study name workload")),
)

NM_CHARTS: tuple[Chart, ...] = (
    frequency(STUDY_DESCRIPTION, _("Study description frequency"), default=True),
    workload(STUDY_DESCRIPTION, _("Study workload")),
    average(STUDY_DESCRIPTION, ACTIVITY, _("Study description administered activity"), default=True),
    over_time(STUDY_DESCRIPTION, ACTIVITY, _("Study description administered activity over time")),
    scatter(STUDY_DESCRIPTION, ACTIVITY, MASS, _("Study description administered activity vs patient mass")),
    # the NM estimate is stored in the same study column as the CT one (openrem.dose.derived)
    average(STUDY_DESCRIPTION, CT_EFFECTIVE_DOSE, _("Study description effective dose estimate")),
)
