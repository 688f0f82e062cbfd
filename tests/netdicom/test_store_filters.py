"""The receive filter decisions (pure functions) and the physics zipping."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

from openrem.netdicom.filters import Action, FilterConfig, decide, safe_name, split_systems, split_terms
from openrem.netdicom.physics import physics_folder, zip_physics

RDSR = "1.2.840.10008.5.1.4.1.1.88.67"
CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"


def _config(**kwargs: object) -> FilterConfig:
    row = SimpleNamespace(manufacturers_to_ignore="", model_names_to_ignore="", station_names_to_ignore="",
                          software_versions_to_ignore="", device_serial_numbers_to_ignore="",
                          physics_filtering=False, physics_to_keep="physics",
                          toshiba_extractor_systems="Toshiba Aquilion, GE Discovery STE")
    for key, value in kwargs.items():
        setattr(row, key, value)
    return FilterConfig.from_settings(row)


def test_terms_are_split_and_lowered() -> None:
    assert split_terms(" Faxitron, 'Gendex-KaVo' ,,CR 85 ") == ("faxitron", "gendex-kavo", "cr 85")
    assert split_systems("Toshiba Aquilion, GE Discovery STE") == (("toshiba", "aquilion"), ("ge", "discovery ste"))


def test_plain_object_is_imported() -> None:
    decision = decide({"Manufacturer": "SIEMENS", "Modality": "SR", "SOPClassUID": RDSR}, _config())
    assert decision.action is Action.IMPORT


def test_each_ignore_list_matches_by_substring_ignoring_case() -> None:
    cases = [("manufacturers_to_ignore", "Manufacturer", "Faxitron Bioptics"),
             ("model_names_to_ignore", "ManufacturerModelName", "CR 85-X"),
             ("station_names_to_ignore", "StationName", "adc_5146"),
             ("software_versions_to_ignore", "SoftwareVersions", ["VixWin Platinum v3.3", "x"]),
             ("device_serial_numbers_to_ignore", "DeviceSerialNumber", "SN-CR975")]
    lists = {"manufacturers_to_ignore": "faxitron", "model_names_to_ignore": "cr 85",
             "station_names_to_ignore": "ADC_5146", "software_versions_to_ignore": "VixWin Platinum v3.3",
             "device_serial_numbers_to_ignore": "CR975"}
    for setting, keyword, value in cases:
        decision = decide({keyword: value}, _config(**{setting: lists[setting]}))
        assert decision.action is Action.IGNORE, (setting, decision)
        assert decide({keyword: "other"}, _config(**{setting: lists[setting]})).action is Action.IMPORT


def test_physics_wins_over_ignore_and_only_when_on() -> None:
    attrs = {"PatientName": "QA^Physics", "PatientID": "123", "Manufacturer": "Faxitron"}
    assert decide(attrs, _config(manufacturers_to_ignore="faxitron")).action is Action.IGNORE
    on = _config(physics_filtering=True, manufacturers_to_ignore="faxitron")
    assert decide(attrs, on).action is Action.PHYSICS
    assert decide({"PatientID": "PHYSICS-01"}, _config(physics_filtering=True)).action is Action.PHYSICS
    assert decide({"PatientID": "PHY-01"}, _config(physics_filtering=True)).action is Action.IMPORT


def test_toshiba_ct_images_only_from_listed_systems() -> None:
    ct = {"Modality": "CT", "SOPClassUID": CT_IMAGE, "Manufacturer": "TOSHIBA", "ManufacturerModelName": "Aquilion ONE"}
    assert decide(ct, _config()).action is Action.TOSHIBA
    assert decide({**ct, "SOPClassUID": RDSR, "Modality": "SR"}, _config()).action is Action.IMPORT
    assert decide({**ct, "ManufacturerModelName": "Other"}, _config()).action is Action.IMPORT
    assert decide({**ct, "Manufacturer": "GE MEDICAL", "ManufacturerModelName": "Discovery STE"},
                  _config()).action is Action.TOSHIBA
    assert decide(ct, _config(toshiba_extractor_systems="")).action is Action.IMPORT


def test_safe_names() -> None:
    assert safe_name("1.2.840.5") == "1.2.840.5"
    assert safe_name("../../etc/passwd") == "etc_passwd"
    assert safe_name("") == "unknown"


def test_stable_physics_studies_are_zipped(tmp_path: Path) -> None:
    old = physics_folder(tmp_path, "20240101", "PHYS^QA", "1.2.3")
    new = physics_folder(tmp_path, "20240101", "PHYS^QA", "1.2.4")
    for folder in (old, new):
        folder.mkdir(parents=True)
        (folder / "a.dcm").write_bytes(b"x" * 10)
        (folder / "b.dcm").write_bytes(b"y" * 10)
    past = time.time() - 3600
    for item in old.iterdir():
        os.utime(item, (past, past))
    result = zip_physics(tmp_path, stable_seconds=600)
    assert result.waiting == 1 and len(result.zipped) == 1
    assert not old.exists() and new.exists()
    with zipfile.ZipFile(result.zipped[0]) as archive:
        assert sorted(archive.namelist()) == ["a.dcm", "b.dcm"]
