"""Legacy CT importer: CT events derived from CT image headers (inventory 6.6, without OCR)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from pydicom.dataset import Dataset

from legacy_ct_support import EXPECTED, IMAGE_COUNT, SERIES, START, TOTAL_DLP, study_images, write_study
from openrem.dicom.classify import Kind, classify
from openrem.dicom.headers import ct_toshiba as ct
from openrem.dicom.headers.ct_slices import CtSlice, read_ct_slice
from openrem.dicom.synth.common import write
from openrem.dicom.synth.ct_images import CtSeries, ToshibaPrivate


def _slices(images: list[Dataset]) -> list[CtSlice]:
    return [read_ct_slice(ds) for ds in images]


def _report(images: list[Dataset]):  # type: ignore[no-untyped-def]
    return ct.build_report(_slices(images))


def test_events_match_hand_calculation() -> None:
    report = _report(study_images())
    dose = report.ct_radiation_dose[0]
    assert len(dose.events) == len(EXPECTED) == 4
    for event, (code, ctdivol, length, dlp) in zip(dose.events, EXPECTED, strict=True):
        assert event.ct_acquisition_type is not None and event.ct_acquisition_type.value == code
        assert event.mean_ctdivol == pytest.approx(ctdivol)
        assert event.scanning_length is not None
        assert event.scanning_length.scanning_length == pytest.approx(length)
        assert event.dlp == pytest.approx(dlp)
    assert dose.accumulated[0].ct_dose_length_product_total == pytest.approx(TOTAL_DLP)
    assert dose.accumulated[0].total_number_of_irradiation_events == 4
    assert report.warnings == ()


def test_acquisition_values_of_each_series() -> None:
    scout, chest, head, abdomen = _report(study_images()).ct_radiation_dose[0].events
    assert (chest.pitch_factor, chest.nominal_single_collimation_width, chest.nominal_total_collimation_width) == (
        0.8, 0.5, 32.0)
    source = chest.xray_source_parameters[0]
    assert (source.kvp, source.xray_tube_current, source.maximum_xray_tube_current) == (120.0, 200.0, 250.0)
    assert source.exposure_time_per_rotation == pytest.approx(0.5)  # Exposure Time 500 ms, no Revolution Time
    assert chest.acquisition_protocol == "CHEST_ROUTINE" and chest.series_description == "Chest spiral"
    assert chest.date_time_started == START + dt.timedelta(minutes=2)
    assert (head.pitch_factor, head.nominal_single_collimation_width, head.nominal_total_collimation_width) == (
        None, 0.5, 8.0)  # 16 detector rows x 0.5 mm from the private map
    assert head.xray_source_parameters[0].kvp == 135.0
    assert abdomen.pitch_factor == 1.5 and scout.pitch_factor is None


def test_derived_values_are_marked() -> None:
    report = _report(study_images())
    dose = report.ct_radiation_dose[0]
    assert report.kind == Kind.CT_TOSHIBA == "ct_toshiba" and report.modality == "CT"
    assert dose.source_of_dose_information is not None
    assert (dose.source_of_dose_information.value, dose.source_of_dose_information.scheme) == ("113866", "DCM")
    assert "derived from CT image headers" in (dose.comment or "")
    assert "ct_toshiba" in (report.study.comment or "")
    scout, chest, head, abdomen = dose.events
    for event in (scout, chest, head):
        assert "DLP derived = CTDIvol x imaged length" in (event.comment or "")
    assert "reconstruction interval 5 mm" in (chest.comment or "")
    assert "scanner's private DLP" in (abdomen.comment or "")
    assert "CTDIvol (7005,xx63)" in (head.comment or "")


def test_private_ctdivol_as_fd_equals_packed_double() -> None:
    series = [replace(SERIES[2], toshiba=replace(SERIES[2].toshiba or ToshibaPrivate(), ctdivol_as_un=False))]
    fd = _report(study_images(series=series)).ct_radiation_dose[0].events[0]
    series_un = [SERIES[2]]
    un = _report(study_images(series=series_un)).ct_radiation_dose[0].events[0]
    assert fd.mean_ctdivol == un.mean_ctdivol == 40.0
    assert fd.dlp == pytest.approx(128.0)


def test_files_round_trip_and_group_by_study(tmp_path: Path) -> None:
    paths = write_study(tmp_path / "a") + write_study(tmp_path / "b", seed=7)
    found = [ct.read_image(p) for p in paths]
    assert all(isinstance(f, CtSlice) for f in found)
    studies = ct.group_by_study(f for f in found if isinstance(f, CtSlice))
    assert [len(v) for v in studies.values()] == [IMAGE_COUNT, IMAGE_COUNT]
    for images in studies.values():
        dose = ct.build_report(images).ct_radiation_dose[0]
        assert dose.accumulated[0].ct_dose_length_product_total == pytest.approx(TOTAL_DLP)


def test_reconstructions_sharing_an_event_uid_are_one_event() -> None:
    uid = "1.2.826.0.1.3680043.8.498.1"
    thick = CtSeries(2, "Chest 5 mm", tuple(-5.0 * i for i in range(20)), START, pitch=0.8,
                     ctdivol_mgy=(10.0,), irradiation_event_uid=uid)
    thin = replace(thick, series_number=3, description="Chest 1 mm", positions_mm=tuple(-1.0 * i for i in range(99)))
    events = _report(study_images(series=[thick, thin])).ct_radiation_dose[0].events
    assert len(events) == 1 and events[0].irradiation_event_uid == uid
    assert events[0].scanning_length is not None and events[0].scanning_length.scanning_length == 100.0  # max
    assert events[0].dlp == pytest.approx(100.0)


def test_one_spiral_image_has_no_length_and_total_leaves_it_out() -> None:
    lone = CtSeries(5, "Lone spiral", (0.0,), START + dt.timedelta(minutes=9), pitch=1.0, ctdivol_mgy=(9.0,))
    report = _report(study_images(series=[SERIES[1], lone]))
    chest, single = report.ct_radiation_dose[0].events
    assert single.dlp is None and single.scanning_length is not None and single.scanning_length.scanning_length is None
    assert report.ct_radiation_dose[0].accumulated[0].ct_dose_length_product_total == pytest.approx(100.0)
    assert any("Lone spiral: DLP unknown" in w for w in report.warnings)
    assert any("leaves out 1 event" in w for w in report.warnings)


def test_one_axial_position_covers_the_total_collimation() -> None:
    axial = CtSeries(6, "Bolus tracking", (0.0,), START, ctdivol_mgy=(20.0,), total_collimation_mm=10.0)
    event = _report(study_images(series=[axial])).ct_radiation_dose[0].events[0]
    assert event.ct_acquisition_type is not None and event.ct_acquisition_type.value == "113804"
    assert event.dlp == pytest.approx(20.0 * 1.0)


def test_report_uid_depends_on_the_images_only() -> None:
    images = _slices(study_images())
    assert ct.report_uid(images) == ct.report_uid(list(reversed(images)))
    assert ct.report_uid(images) != ct.report_uid(images[:-1])
    assert ct.build_report(images).study.sop_instance_uid == ct.report_uid(images)


def test_stored_events_are_kept_when_a_later_batch_arrives() -> None:
    images = _slices(study_images())
    first = ct.build_report([s for s in images if s.series_number in (1, 2)])
    later = ct.build_report([s for s in images if s.series_number in (3, 4)])
    merged = ct.with_stored_events(later, first.ct_radiation_dose[0].events)
    dose = merged.ct_radiation_dose[0]
    assert [e.dlp for e in dose.events] == pytest.approx([e[3] for e in EXPECTED])
    assert dose.accumulated[0].ct_dose_length_product_total == pytest.approx(TOTAL_DLP)
    assert dose.accumulated[0].total_number_of_irradiation_events == 4


def test_files_that_are_not_ct_images_give_a_reason(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.dcm"
    garbage.write_bytes(b"\x00" * 200)
    assert str(ct.read_image(garbage)).startswith("unreadable DICOM")
    sc = study_images()[0]
    sc.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    assert "not OCR" in str(ct.read_image(write(sc, tmp_path / "sc.dcm")))
    mr = study_images()[0]
    mr.SOPClassUID = "1.2.840.10008.5.1.4.1.1.4"
    assert str(ct.read_image(write(mr, tmp_path / "mr.dcm"))).startswith("not a CT image")
    assert str(ct.read_image(tmp_path / "missing.dcm")).startswith("cannot read file")


def test_a_single_ct_image_is_not_a_dose_object_for_the_general_import() -> None:
    kind, why = classify(study_images()[0], None)
    assert kind is Kind.NOT_DOSE and "cttoshiba" in why
