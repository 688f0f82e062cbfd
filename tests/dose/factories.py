"""Hand-built dose reports for the store tests (no files, no parser)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from openrem.dicom import records as r

SPIRAL = r.Coded("116152004", "SCT", "Spiral Acquisition")
LOCALIZER = r.Coded("113805", "DCM", "Constant Angle Acquisition")
SINGLE_PLANE = r.Coded("113622", "DCM", "Single Plane")
LEFT = r.Coded("7771000", "SCT", "Left")
RIGHT = r.Coded("24028007", "SCT", "Right")


def ct_event(uid: str, dlp: float = 100.0, ctdi: float = 5.0, spiral: bool = True) -> r.CtEvent:
    return r.CtEvent(irradiation_event_uid=uid, acquisition_protocol="Chest", mean_ctdivol=ctdi, dlp=dlp,
                     ct_acquisition_type=SPIRAL if spiral else LOCALIZER,
                     xray_source_parameters=(r.CtXraySource("A", 120.0, 300.0, 200.0, 0.5),))


def ct_report(study_uid: str, sop: str, event_uids: list[str], **study: object) -> r.DoseReport:
    events = tuple(ct_event(u) for u in event_uids)
    total = sum(e.dlp or 0 for e in events)
    ct = r.CtRadiationDose(accumulated=(r.CtAccumulated(len(events), total),), events=events)
    return r.DoseReport(
        kind="ct_rdsr", modality="CT",
        study=r.Study(study_instance_uid=study_uid, sop_instance_uid=sop,
                      sop_class_uid="1.2.840.10008.5.1.4.1.1.88.67", study_date=dt.date(2024, 3, 1),
                      study_time=dt.time(10, 30), **study),  # type: ignore[arg-type]
        patient=r.Patient(name="Doe^Jane", patient_id="P1", sex="F", age="050Y"),
        equipment=r.Equipment(manufacturer="ACME", institution_name="General", station_name="CT1",
                              manufacturer_model_name="Scanner 9", device_observer_uid="1.2.3.4"),
        ct_radiation_dose=(ct,),
    )


def dx_image(study_uid: str, sop: str, when: dt.datetime, dap: float, kind: str = "dx_image",
             modality: str = "DX") -> r.DoseReport:
    event = r.ProjectionEvent(irradiation_event_uid=sop, acquisition_plane=SINGLE_PLANE,
                              date_time_started=when, dose_area_product=dap,
                              source=r.XraySource(kvp=(70.0,), exposure_uAs=(5000.0,)))
    acc = r.AccumulatedXrayDose(acquisition_plane=SINGLE_PLANE, accum_integrated=r.AccumIntegrated(
        dose_area_product_total=dap, total_number_of_radiographic_frames=1))
    proj = r.ProjectionXRayDose(accumulated=(acc,), events=(event,))
    return r.DoseReport(
        kind=kind, modality=modality,
        study=r.Study(study_instance_uid=study_uid, sop_instance_uid=sop, sop_class_uid="1.2.840.10008.5.1.4.1.1.1.1",
                      study_date=when.date(), study_time=when.time(), study_description="CHEST"),
        patient=r.Patient(sex="M"),
        equipment=r.Equipment(manufacturer="ACME", institution_name="General", station_name="DX1"),
        projection_xray_radiation_dose=(proj,),
    )


def mg_image(study_uid: str, sop: str, when: dt.datetime, agd: float, side: r.Coded) -> r.DoseReport:
    report = dx_image(study_uid, sop, when, dap=0.0, kind="mg_image", modality="MG")
    proj = report.projection_xray_radiation_dose[0]
    event = replace(proj.events[0], dose_area_product=None, laterality=side,
                    source=r.XraySource(average_glandular_dose=agd, kvp=(28.0,)))
    breast = r.Coded("80248007", "SCT", "Left breast") if side == LEFT else r.Coded("73056007", "SCT", "Right breast")
    acc = r.AccumulatedXrayDose(acquisition_plane=SINGLE_PLANE,
                                accum_mammography=(r.AccumMammography(breast, agd),))
    mammo = r.Coded("71651007", "SCT", "Mammography")
    return replace(report, projection_xray_radiation_dose=(
        replace(proj, procedure_reported=mammo, events=(event,), accumulated=(acc,)),))


FLUORO = r.Coded("P5-06000", "SRT", "Fluoroscopy")


def rf_report(study_uid: str, sop: str, dap: float = 0.002) -> r.DoseReport:
    """A fluoroscopy RDSR with one fluoroscopy event and accumulated fluoro data."""
    when = dt.datetime(2024, 6, 1, 14, 0)
    event = r.ProjectionEvent(irradiation_event_uid=f"{sop}.1", acquisition_plane=SINGLE_PLANE,
                              irradiation_event_type=FLUORO, date_time_started=when, dose_area_product=dap,
                              source=r.XraySource(dose_rp=0.05, kvp=(80.0,), xray_tube_current=(10.0,)))
    acc = r.AccumulatedXrayDose(
        acquisition_plane=SINGLE_PLANE,
        accum_proj=r.AccumProjection(fluoro_dose_area_product_total=dap, total_fluoro_time=60.0,
                                     dose_area_product_total=dap, dose_rp_total=0.05),
        accum_integrated=r.AccumIntegrated(dose_area_product_total=dap, dose_rp_total=0.05))
    proj = r.ProjectionXRayDose(accumulated=(acc,), events=(event,))
    return r.DoseReport(
        kind="projection_rdsr", modality="RF",
        study=r.Study(study_instance_uid=study_uid, sop_instance_uid=sop,
                      sop_class_uid="1.2.840.10008.5.1.4.1.1.88.67", study_date=when.date(),
                      study_time=when.time(), study_description="ERCP"),
        patient=r.Patient(sex="F", age="061Y"),
        equipment=r.Equipment(manufacturer="ACME", institution_name="General", station_name="RF1",
                              device_observer_uid="1.2.3.9"),
        projection_xray_radiation_dose=(proj,),
    )


def nm_report(study_uid: str, sop: str, activity: float = 350.0) -> r.DoseReport:
    """An RRDSR with one administration."""
    admin = r.Administration(radionuclide=r.Coded("C-111A1", "SRT", "^18^Fluorine"), administered_activity=activity,
                             radiopharmaceutical_administration_event_uid=f"{sop}.1",
                             radiopharmaceutical_start_datetime=dt.datetime(2024, 6, 2, 10, 0))
    return r.DoseReport(
        kind="rrdsr", modality="NM",
        study=r.Study(study_instance_uid=study_uid, sop_instance_uid=sop,
                      sop_class_uid="1.2.840.10008.5.1.4.1.1.88.68", study_date=dt.date(2024, 6, 2),
                      study_time=dt.time(10, 0), study_description="PET"),
        patient=r.Patient(sex="M"),
        equipment=r.Equipment(manufacturer="ACME", institution_name="General", station_name="PET1"),
        radiopharmaceutical_radiation_dose=(r.RadiopharmaceuticalDose(administrations=(admin,)),),
    )
