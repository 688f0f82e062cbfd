"""Round trip: what the synthetic generator puts in is exactly what the parser reads back.

Each generated study is encoded (``synth.to_bytes``), parsed (``parse_bytes``), turned into plain
values (``plain.to_plain``) and compared field by field with the spec it was built from.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from openrem.dicom import synth
from openrem.dicom.parse import Status, parse_bytes
from openrem.dicom.plain import to_plain

SEEDS = range(12)


def _parse(ds: Any) -> dict[str, Any]:
    result = parse_bytes(synth.to_bytes(ds))
    assert result.status is Status.PARSED, result.reason
    assert result.report is not None
    plain = to_plain(result.report)
    assert isinstance(plain, dict)
    return plain


def _check_common(plain: dict[str, Any], spec: Any, sop_class: str) -> None:
    study, patient, device = plain["study"], plain["patient"], plain["equipment"]
    assert study["study_instance_uid"] == spec.study.study_uid
    assert study["sop_instance_uid"] == spec.study.sop_uid
    assert study["sop_class_uid"] == sop_class
    assert study["study_date"] == spec.study.date.isoformat()
    assert study["study_time"] == spec.study.time.isoformat()
    assert study["accession_number"] == spec.study.accession
    assert study["study_description"] == spec.study.description
    assert patient["patient_id"] == spec.patient.patient_id
    assert patient["birth_date"] == spec.patient.birth_date.isoformat()
    assert patient["sex"] == spec.patient.sex
    assert patient["size"] == pytest.approx(spec.patient.size)
    assert patient["weight"] == spec.patient.weight
    assert device["manufacturer"] == spec.device.manufacturer
    assert device["manufacturer_model_name"] == spec.device.model
    assert device["station_name"] == spec.device.station
    assert device["device_serial_number"] == spec.device.serial


@pytest.mark.parametrize("seed", SEEDS)
def test_ct_round_trip(seed: int) -> None:
    spec = synth.ct_spec(random.Random(seed))
    plain = _parse(synth.ct_dataset(spec))
    assert plain["kind"] == "ct_rdsr"
    assert plain["modality"] == "CT"
    _check_common(plain, spec, "1.2.840.10008.5.1.4.1.1.88.67")
    assert plain["equipment"]["device_observer_uid"] == spec.device.observer_uid
    (ct,) = plain["ct_radiation_dose"]
    assert ct["procedure_reported"] == "Computed Tomography X-Ray"
    assert ct["start_of_xray_irradiation"] == spec.start.isoformat()
    assert ct["end_of_xray_irradiation"] == spec.end.isoformat()
    (acc,) = ct["accumulated"]
    assert acc["total_number_of_irradiation_events"] == len(spec.events)
    assert acc["ct_dose_length_product_total"] == spec.dlp_total
    assert len(ct["events"]) == len(spec.events)
    for got, ev in zip(ct["events"], spec.events, strict=True):
        assert got["irradiation_event_uid"] == ev.uid
        assert got["acquisition_protocol"] == ev.protocol
        assert got["ct_acquisition_type"] == synth.ct.ACQUISITION_TYPES[ev.acquisition_type].meaning
        assert got["target_region"] == ev.target_region.meaning
        assert got["mean_ctdivol"] == ev.ctdivol
        assert got["dlp"] == ev.dlp
        assert got["ctdiw_phantom_type"] == ev.phantom.meaning
        assert got["exposure_time"] == ev.exposure_time
        assert got["pitch_factor"] == ev.pitch
        assert got["nominal_single_collimation_width"] == ev.single_collimation
        assert got["nominal_total_collimation_width"] == ev.total_collimation
        assert got["number_of_xray_sources"] == len(ev.sources)
        assert got["scanning_length"]["scanning_length"] == ev.scanning_length
        for src_got, src in zip(got["xray_source_parameters"], ev.sources, strict=True):
            assert src_got["identification_of_the_xray_source"] == src.identification
            assert src_got["kvp"] == src.kvp
            assert src_got["maximum_xray_tube_current"] == src.maximum_tube_current
            assert src_got["xray_tube_current"] == src.tube_current
            assert src_got["exposure_time_per_rotation"] == src.exposure_time_per_rotation
        _check_dose_check(got["dose_check"], ev.dose_check)


def _check_dose_check(got: list[dict[str, Any]], dc: synth.CtDoseCheck | None) -> None:
    if dc is None:
        assert got == []
        return
    (row,) = got
    assert row["dlp_alert_value_configured"] is True
    assert row["ctdivol_alert_value_configured"] is True
    assert row["dlp_alert_value"] == dc.dlp_alert_value
    assert row["ctdivol_alert_value"] == dc.ctdivol_alert_value
    assert row["accumulated_dlp_forward_estimate"] == dc.accumulated_dlp_forward_estimate
    assert row["accumulated_ctdivol_forward_estimate"] == dc.accumulated_ctdivol_forward_estimate
    assert row["dlp_notification_value_configured"] is True
    assert row["ctdivol_notification_value_configured"] is True
    assert row["dlp_notification_value"] == dc.dlp_notification_value
    assert row["ctdivol_notification_value"] == dc.ctdivol_notification_value
    assert row["dlp_forward_estimate"] == dc.dlp_forward_estimate
    assert row["ctdivol_forward_estimate"] == dc.ctdivol_forward_estimate


def _check_projection_event(got: dict[str, Any], ev: synth.ProjectionEvent) -> None:
    assert got["irradiation_event_uid"] == ev.uid
    assert got["irradiation_event_type"] == ev.event_type.meaning
    assert got["acquisition_protocol"] == ev.protocol
    assert got["date_time_started"] == ev.started.isoformat()
    assert got["target_region"] == ev.target_region.meaning
    assert got["dose_area_product"] == ev.dap
    src = got["source"]
    assert src["dose_rp"] == ev.dose_rp
    assert src["kvp"] == [ev.kvp]
    assert src["xray_tube_current"] == [ev.tube_current]
    assert src["exposure_time"] == ev.exposure_time
    assert src["exposure_uAs"] == ([ev.exposure] if ev.exposure is not None else [])
    assert src["pulse_width"] == ([ev.pulse_width] if ev.pulse_width is not None else [])
    assert src["number_of_pulses"] == ev.number_of_pulses
    assert src["irradiation_duration"] == ev.irradiation_duration
    assert src["average_glandular_dose"] == ev.agd
    assert [(f["material"], f["thickness_min"], f["thickness_max"]) for f in src["filters"]] == [
        (f.material.meaning, f.thickness_min, f.thickness_max) for f in ev.filters]
    mech = got["mechanical"] or {}
    assert mech.get("positioner_primary_angle") == ev.primary_angle
    assert mech.get("positioner_secondary_angle") == ev.secondary_angle
    assert mech.get("compression_thickness") == ev.compression_thickness
    det = got["detector"] or {}
    assert det.get("exposure_index") == ev.exposure_index
    assert det.get("target_exposure_index") == ev.target_exposure_index
    assert det.get("deviation_index") == ev.deviation_index


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("variant", ["RF", "DX", "MG"])
def test_projection_round_trip(variant: str, seed: int) -> None:
    make = {"RF": synth.rf_spec, "DX": synth.dx_spec, "MG": synth.mg_spec}[variant]
    spec = make(random.Random(seed))
    plain = _parse(synth.projection_dataset(spec))
    assert plain["kind"] == "projection_rdsr"
    assert plain["modality"] == variant
    _check_common(plain, spec, "1.2.840.10008.5.1.4.1.1.88.67")
    (proj,) = plain["projection_xray_radiation_dose"]
    expected_device = {"RF": "Fluoroscopy-Guided Projection Radiography System",
                       "DX": "Integrated Projection Radiography System", "MG": None}[variant]
    assert proj["acquisition_device_type"] == expected_device
    (acc,) = proj["accumulated"]
    if variant == "MG":
        got = {row["laterality"]: row["accumulated_average_glandular_dose"] for row in acc["accum_mammography"]}
        assert got == {"Left breast": spec.accumulated_agd(synth.vocab.LEFT),
                       "Right breast": spec.accumulated_agd(synth.vocab.RIGHT)}
    else:
        totals = acc["accum_proj"] if variant == "RF" else acc["accum_integrated"]
        assert totals["dose_area_product_total"] == spec.dap_total
        assert totals["dose_rp_total"] == spec.dose_rp_total
        assert totals["total_number_of_radiographic_frames"] == spec.total_frames
    if variant == "RF":
        rf = acc["accum_proj"]
        assert rf["fluoro_dose_area_product_total"] == spec.fluoro_dap_total
        assert rf["acquisition_dose_area_product_total"] == spec.acquisition_dap_total
        assert rf["fluoro_dose_rp_total"] == spec.fluoro_dose_rp_total
        assert rf["acquisition_dose_rp_total"] == spec.acquisition_dose_rp_total
        assert rf["total_fluoro_time"] == spec.total_fluoro_time
        assert rf["total_acquisition_time"] == spec.total_acquisition_time
    assert len(proj["events"]) == len(spec.events)
    for got_ev, ev in zip(proj["events"], spec.events, strict=True):
        _check_projection_event(got_ev, ev)
        if variant == "MG":
            assert got_ev["laterality"] == (ev.laterality.meaning if ev.laterality else None)
            assert got_ev["image_view"] == (ev.view.meaning if ev.view else None)
            assert got_ev["entrance_exposure_at_rp"] == ev.entrance_exposure
            assert got_ev["half_value_layer"] == ev.half_value_layer


@pytest.mark.parametrize("seed", SEEDS)
def test_rrdsr_round_trip(seed: int) -> None:
    spec = synth.rrdsr_spec(random.Random(seed))
    plain = _parse(synth.rrdsr_dataset(spec))
    assert plain["kind"] == "rrdsr"
    assert plain["modality"] == "NM"
    _check_common(plain, spec, "1.2.840.10008.5.1.4.1.1.88.68")
    (nm,) = plain["radiopharmaceutical_radiation_dose"]
    assert nm["associated_procedure"] == spec.tracer.procedure.meaning
    (adm,) = nm["administrations"]
    assert adm["radiopharmaceutical_agent"] == spec.tracer.agent.meaning
    assert adm["radionuclide"] == spec.tracer.radionuclide.meaning
    assert adm["radionuclide_half_life"] == spec.tracer.half_life
    assert adm["administered_activity"] == spec.activity
    assert adm["radiopharmaceutical_start_datetime"] == spec.start.isoformat()
    assert adm["radiopharmaceutical_stop_datetime"] == spec.stop.isoformat()
    assert adm["route_of_administration"] == "Intravenous route"
    assert adm["radiopharmaceutical_administration_event_uid"] == spec.administration_uid
    assert [(o["finding_site"], o["organ_dose"], o["reference_authority"]) for o in adm["organ_doses"]] == [
        (o.organ.meaning, o.dose, o.authority) for o in spec.organ_doses]
    (pc,) = nm["patient_characteristics"]
    assert pc["subject_age"] == spec.patient.age_at(spec.study.date)
    assert pc["subject_sex"] == ("Female" if spec.patient.sex == "F" else "Male")
    assert pc["patient_height"] == spec.patient.size
    assert pc["patient_weight"] == spec.patient.weight


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("modality", ["DX", "CR"])
def test_dx_image_round_trip(modality: str, seed: int) -> None:
    spec = synth.xray_image_spec(random.Random(seed), modality)
    plain = _parse(synth.xray_image_dataset(spec))
    assert plain["kind"] == "dx_image"
    assert plain["modality"] == modality
    sop = "1.2.840.10008.5.1.4.1.1.1.1" if modality == "DX" else "1.2.840.10008.5.1.4.1.1.1"
    _check_common(plain, spec, sop)
    (proj,) = plain["projection_xray_radiation_dose"]
    (ev,) = proj["events"]
    assert spec.dap is not None
    assert ev["dose_area_product"] == pytest.approx(spec.dap * 1e-5, rel=1e-12)  # dGy.cm2 -> Gy.m2
    assert ev["date_time_started"] == spec.acquired.isoformat()
    assert ev["acquisition_protocol"] == spec.protocol
    assert ev["source"]["kvp"] == [spec.kvp]
    assert ev["source"]["exposure_time"] == spec.exposure_time
    assert ev["source"]["exposure_uAs"] == [spec.exposure_uas]
    assert ev["detector"]["exposure_index"] == spec.exposure_index
    assert ev["detector"]["target_exposure_index"] == spec.target_exposure_index
    assert ev["detector"]["deviation_index"] == spec.deviation_index


@pytest.mark.parametrize("seed", SEEDS)
def test_mg_image_round_trip(seed: int) -> None:
    spec = synth.xray_image_spec(random.Random(seed), "MG")
    plain = _parse(synth.xray_image_dataset(spec))
    assert plain["kind"] == "mg_image"
    assert plain["modality"] == "MG"
    _check_common(plain, spec, "1.2.840.10008.5.1.4.1.1.1.2")
    (proj,) = plain["projection_xray_radiation_dose"]
    (ev,) = proj["events"]
    assert spec.organ_dose is not None
    assert ev["source"]["average_glandular_dose"] == pytest.approx(spec.organ_dose * 100, rel=1e-12)  # dGy -> mGy
    assert ev["entrance_exposure_at_rp"] == spec.entrance_dose
    assert ev["source"]["kvp"] == [spec.kvp]
    assert ev["source"]["exposure_uAs"] == [spec.exposure_uas]
    assert ev["mechanical"]["compression_thickness"] == spec.compression_thickness
    assert ev["laterality"] == {"L": "Left", "R": "Right"}[spec.laterality or ""]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("pet", [True, False])
def test_nm_image_round_trip(pet: bool, seed: int) -> None:
    spec = synth.nm_image_spec(random.Random(seed), pet)
    plain = _parse(synth.nm_image_dataset(spec))
    assert plain["kind"] == "nm_image"
    assert plain["modality"] == "NM"
    _check_common(plain, spec, "1.2.840.10008.5.1.4.1.1.128" if pet else "1.2.840.10008.5.1.4.1.1.20")
    (nm,) = plain["radiopharmaceutical_radiation_dose"]
    (adm,) = nm["administrations"]
    activity_mbq = spec.total_dose / 1e6 if pet else spec.total_dose
    assert adm["administered_activity"] == pytest.approx(activity_mbq, rel=1e-12)
    assert adm["radionuclide_half_life"] == spec.tracer.half_life
    assert adm["radionuclide"] == spec.tracer.radionuclide.meaning
    assert adm["radiopharmaceutical_agent"] == spec.tracer.agent.meaning
    assert adm["radiopharmaceutical_start_datetime"] == spec.injection.isoformat()
    # Image-derived administrations carry no event UID on purpose: an RRDSR arriving later for the
    # study replaces them (spec: PET/NM images, "append"), which the store detects by the missing UID.
    assert adm["radiopharmaceutical_administration_event_uid"] is None
    if pet:
        (series,) = nm["pet_series"]
        assert series["series_uid"] == spec.study.series_uid
