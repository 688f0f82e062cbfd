"""Proofs that some values of the reference's sequential run are artefacts of the older system.

The older OpenREM kept coded values in one shared lookup table filled as codes were first seen, so
in its sequential run a code shows the meaning sent by the *first* file that used it ("Strip Filter"
from one vendor becomes "Strip filter" of another). OpenREM stores each file's own meaning. These
tests show, from the DICOM files themselves, that every such difference is exactly that.
"""

from __future__ import annotations

from pathlib import Path

import pydicom

from openrem.dicom.parse import parse_path
from openrem.dicom.plain import to_plain
from reference_support import golden

CODED_EVENT_FIELDS = ("target_region", "anatomical_structure", "patient_table_relationship_cid",
                      "patient_orientation_cid", "patient_orientation_modifier_cid")


def _first_meanings(order: list[str], sample) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Code value -> meaning of the first file in import order that sent it (the older lookup table
    was keyed on the code value alone)."""
    first: dict[tuple[str, str], str] = {}
    for name in order:
        result = parse_path(sample(name))
        if result.report is None:
            continue
        for item in _coded_items(to_plain(result.report, codes=True)):
            first.setdefault(item["value"], item["meaning"])
    return first


def _coded_items(obj):  # type: ignore[no-untyped-def]
    if isinstance(obj, dict):
        if set(obj) == {"value", "scheme", "meaning"}:
            yield obj
        else:
            for v in obj.values():
                yield from _coded_items(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _coded_items(v)


def test_sequential_meanings_are_first_seen_meanings(sample) -> None:  # type: ignore[no-untyped-def]
    reference = golden()
    order = reference["meta"]["import_order"]
    first = _first_meanings(order, sample)
    sequential = {e["irradiation_event_uid"]: e for s in reference["sequential"]["final_studies"]
                  for p in s.get("projection_xray_radiation_dose", []) for e in p["events"]}
    differences = 0
    for name in order:
        result = parse_path(sample(name))
        if result.report is None:
            continue
        for proj in to_plain(result.report, codes=True)["projection_xray_radiation_dose"]:
            for event in proj["events"]:
                ref = sequential.get(event["irradiation_event_uid"])
                if ref is None:
                    continue
                pairs = [(event[f], ref[f]) for f in CODED_EVENT_FIELDS]
                mine_filters = (event["source"] or {}).get("filters") or []
                ref_filters = (ref["source"] or {}).get("filters") or []
                for mf, rf in zip(mine_filters, ref_filters, strict=False):
                    pairs += [(mf["type"], rf["type"]), (mf["material"], rf["material"])]
                for mine, theirs in pairs:
                    if mine is None or theirs in (None, mine["meaning"]):
                        continue
                    differences += 1
                    assert theirs == first[mine["value"]], (name, mine, theirs)
    assert differences > 0  # the artefact exists in the reference, and is explained every time


def test_pet_series_are_stored_in_time_then_uid_order(sample) -> None:  # type: ignore[no-untyped-def]
    names = ["NM-PetIm-Siemens-2.dcm", "NM-PetIm-Siemens-3.dcm", "NM-PetIm-Siemens.dcm"]
    keys = []
    for name in names:
        ds = pydicom.dcmread(sample(name), stop_before_pixels=True)
        keys.append((ds.SeriesDate + ds.SeriesTime, ds.SeriesInstanceUID))
    # all three series start at the same time: arrival order is all the reference had to go by
    assert len({k[0] for k in keys}) == 1
    reference = golden()
    pet = next(s for s in reference["sequential"]["final_studies"]
               if any(r["pet_series"] for r in s.get("radiopharmaceutical_radiation_dose", [])))
    stored = [p["series_uid"] for p in pet["radiopharmaceutical_radiation_dose"][0]["pet_series"]]
    assert stored != sorted(stored) and sorted(stored) == sorted(k[1] for k in keys)


def test_zee_files_share_a_sop_instance_uid(sample) -> None:  # type: ignore[no-untyped-def]
    a = pydicom.dcmread(sample("RF-RDSR-Siemens-Zee.dcm"), stop_before_pixels=True)
    b = pydicom.dcmread(sample("RF-RDSR-Siemens-Zee_adjusted.dcm"), stop_before_pixels=True)
    assert a.SOPInstanceUID == b.SOPInstanceUID
    assert a.StudyInstanceUID != b.StudyInstanceUID
    reference = golden()
    study = next(s for s in reference["sequential"]["final_studies"] if s["study_instance_uid"] == a.StudyInstanceUID)
    # the study was made from Zee.dcm, yet the reference names the other file for its SOP UID
    assert study["files_that_created_or_changed_it"] == ["RF-RDSR-Siemens-Zee.dcm"]
    assert study["source_files_by_sop_uid"] == ["RF-RDSR-Siemens-Zee_adjusted.dcm"]


def test_shared_folder_is_used(sample) -> None:  # type: ignore[no-untyped-def]
    assert Path(sample("RF-RDSR-Siemens-Zee.dcm")).is_file()
