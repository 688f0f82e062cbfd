"""Philips CT "Dose Info" secondary capture parser (inventory 6.5)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pydicom import dcmread
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.tag import Tag

from openrem.dicom.plain import to_plain
from reference_support import conformance, golden, parsed_report, reference_study

NAME = "CT-SC-Philips_Brilliance16P.dcm"
STUDY_UID = "1.3.6.1.4.1.5962.99.1.902245636.1256219246.1495550897412.3.0"


_report = parsed_report


def test_events_match_reference_by_position(sample: Callable[[str], Path]) -> None:
    report = _report(sample(NAME))  # first: skips (or fails) cleanly when the samples are absent
    tool = conformance()
    assert (report.kind, report.modality) == ("ct_philips", "CT")
    expected = reference_study(NAME)["ct_radiation_dose"]  # a copy: the UIDs are removed below
    got = to_plain(report.ct_radiation_dose)
    for tree in (expected, got):  # reference UIDs are random: compare events by position
        for event in tree[0]["events"]:
            event.pop("irradiation_event_uid")
    res = tool.Result()
    tool.compare({"modality_type": "CT", "ct": expected}, {"modality_type": report.modality, "ct": got},
                 "", res, lambda p: False)
    assert res.failed == []
    assert res.compared > 60


def test_reference_event_uids_are_random(sample: Callable[[str], Path]) -> None:
    """Proof for the deviation: the older OpenREM made new random UIDs on every import."""
    ds = dcmread(sample(NAME), stop_before_pixels=True)
    assert all("IrradiationEventUID" not in item for item in ds.ExposureDoseSequence)
    reference = golden()
    isolated = [e["irradiation_event_uid"]
                for e in reference["files"][NAME]["isolated"]["studies"][0]["ct_radiation_dose"][0]["events"]]
    sequential = [e["irradiation_event_uid"] for s in reference["sequential"]["final_studies"]
                  if s["study_instance_uid"] == STUDY_UID for e in s["ct_radiation_dose"][0]["events"]]
    assert len(isolated) == len(sequential) == 4
    assert not set(isolated) & set(sequential)


def test_event_uids_deterministic_and_distinct(sample: Callable[[str], Path]) -> None:
    first = _report(sample(NAME))
    second = _report(sample(NAME))
    uids = [e.irradiation_event_uid for e in first.ct_radiation_dose[0].events]
    assert uids == [e.irradiation_event_uid for e in second.ct_radiation_dose[0].events]
    assert len(set(uids)) == 4
    assert all(len(u) <= 64 and all(p.isdigit() for p in u.split(".")) for u in uids)


def test_study_description_and_comment(sample: Callable[[str], Path]) -> None:
    report = _report(sample(NAME))
    assert report.study.study_description == "Abdomen/IH_KUB_2mm"  # Protocol Name
    comment = report.study.comment or ""
    assert "CT Thorax & abdo & pelvis with contrast" in comment
    assert "Total DLP=1102.4" in comment
    assert "Abdomen_Multi_1240_usr.proc" in comment


def test_units(sample: Callable[[str], Path]) -> None:
    events = _report(sample(NAME)).ct_radiation_dose[0].events
    item = dcmread(sample(NAME), stop_before_pixels=True).ExposureDoseSequence[1]
    assert item.XRayTubeCurrentInuA == pytest.approx(165044.374) and item.ExposureTime == 6986
    assert events[1].xray_source_parameters[0].xray_tube_current == pytest.approx(165.044374)  # mA
    assert events[1].exposure_time == pytest.approx(6.986)  # s


def test_malformed_item_keeps_valid_values(sample: Callable[[str], Path]) -> None:
    def edit(ds: Dataset) -> None:
        item = ds.ExposureDoseSequence[2]
        tag = Tag("XRayTubeCurrentInuA")
        item[tag] = RawDataElement(tag, "DS", 4, b"none", 0, False, True)
        tag = Tag("KVP")
        item[tag] = RawDataElement(tag, "DS", 0, b"", 0, False, True)
        del item.ScanLength

    ds = dcmread(sample(NAME))
    edit(ds)
    out = io.BytesIO()
    ds.save_as(out)
    report = _report(out.getvalue())
    event = report.ct_radiation_dose[0].events[2]
    assert event.xray_source_parameters[0].xray_tube_current is None
    assert event.xray_source_parameters[0].kvp is None
    assert event.scanning_length is not None and event.scanning_length.scanning_length is None
    assert event.mean_ctdivol == pytest.approx(11.32941264)
    assert event.dlp == pytest.approx(248.585973)
    assert any("(0018,8151)" in w for w in report.warnings)
