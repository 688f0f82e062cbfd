"""The plausibility pass: every numeric field of every record is checked by its unit, generically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import typing

import pytest

from openrem.dicom import plausible
from openrem.dicom import records as r

STUDY = r.Study("1.2.3", "1.2.3.4", "1.2.840.10008.5.1.4.1.1.88.67", study_date=dt.date(2024, 1, 2))


def _report(**kw: typing.Any) -> r.DoseReport:
    return r.DoseReport(kind="ct_rdsr", modality="CT", study=STUDY, patient=r.Patient(), equipment=r.Equipment(), **kw)


def _ct(**event: typing.Any) -> r.DoseReport:
    return _report(ct_radiation_dose=(r.CtRadiationDose(events=(r.CtEvent("9.9", **event),)),))


def _event(report: r.DoseReport) -> r.CtEvent:
    return report.ct_radiation_dose[0].events[0]


def _numeric_fields() -> list[tuple[type, str, str | None]]:
    out = []
    for record in [v for v in vars(r).values() if isinstance(v, type) and dataclasses.is_dataclass(v)]:
        hints = typing.get_type_hints(record, include_extras=True)
        for f in dataclasses.fields(record):
            text = str(hints[f.name])
            if "float" in text or "int" in text:
                out.append((record, f.name, plausible._units(record)[f.name]))
    return out


def test_every_unit_has_a_documented_range() -> None:
    fields = _numeric_fields()
    assert len(fields) > 100
    for record, name, unit in fields:
        assert unit is None or unit in plausible.RANGES or name in plausible.FIELD_RANGES, (record, name, unit)


def test_valid_report_is_returned_unchanged() -> None:
    report = _ct(mean_ctdivol=12.5, dlp=400.0, number_of_xray_sources=2, acquisition_protocol="Head",
                 scanning_length=r.ScanningLength(scanning_length=200.0, top_z_location_of_scanning_length=-150.0))
    assert plausible.check(report) is report


@pytest.mark.parametrize(("field", "value", "words"), [
    ("mean_ctdivol", -500.0, "CtEvent.mean_ctdivol = -500.0 mGy: negative; stored as null"),
    ("dlp", math.inf, "CtEvent.dlp = inf mGy.cm: not a finite number"),
    ("dlp", math.nan, "CtEvent.dlp = nan mGy.cm: not a finite number"),
    ("dlp", 2e7, "CtEvent.dlp = 20000000.0 mGy.cm: beyond the physical range (at most 1e+07 mGy.cm)"),
    ("exposure_time", -1.0, "CtEvent.exposure_time = -1.0 s: negative"),
    ("nominal_total_collimation_width", -40.0, "CtEvent.nominal_total_collimation_width = -40.0 mm: negative"),
    ("number_of_xray_sources", 2**31, "CtEvent.number_of_xray_sources = 2147483648: beyond the physical range"),
    ("number_of_xray_sources", int(1e308), "an integer of 309 digits"),
    ("number_of_xray_sources", -1, "CtEvent.number_of_xray_sources = -1: negative"),
    ("pitch_factor", -1.0, "CtEvent.pitch_factor = -1.0: negative"),
])
def test_implausible_number_becomes_null_with_a_warning(field: str, value: float, words: str) -> None:
    checked = plausible.check(_ct(**{field: value}))
    assert getattr(_event(checked), field) is None
    assert any(words in w for w in checked.warnings), checked.warnings


def test_signed_quantities_keep_negative_values() -> None:
    mech = r.Mechanical(positioner_primary_angle=-45.0, distances=r.Distances(table_longitudinal_position=-800.0))
    ev = r.ProjectionEvent("1.1", mechanical=mech, detector=r.Detector(deviation_index=-3.2))
    report = _report(projection_xray_radiation_dose=(r.ProjectionXRayDose(events=(ev,)),))
    assert plausible.check(report) is report
    bad = dataclasses.replace(mech, positioner_primary_angle=1e9)
    checked = plausible.check(_report(projection_xray_radiation_dose=(r.ProjectionXRayDose(
        events=(dataclasses.replace(ev, mechanical=bad),)),)))
    assert checked.projection_xray_radiation_dose[0].events[0].mechanical.positioner_primary_angle is None  # type: ignore[union-attr]


def test_per_pulse_values_drop_the_implausible_ones() -> None:
    src = r.XraySource(kvp=(80.0, -80.0, math.inf, 81.0), xray_tube_current=(10.0, 1e9))
    report = _report(projection_xray_radiation_dose=(r.ProjectionXRayDose(events=(r.ProjectionEvent("1", source=src),)),))
    checked = plausible.check(report).projection_xray_radiation_dose[0].events[0].source
    assert checked is not None and checked.kvp == (80.0, 81.0) and checked.xray_tube_current == (10.0,)


def test_text_nul_bytes_removed_and_short_columns_respected() -> None:
    report = dataclasses.replace(_ct(acquisition_protocol="Head\x00Routine"),
                                 patient=r.Patient(sex="M" * 40, name="Doe\x00^Jane"))
    checked = plausible.check(report)
    assert _event(checked).acquisition_protocol == "HeadRoutine" and checked.patient.name == "Doe^Jane"
    assert checked.patient.sex is None
    assert any("Patient.sex" in w and "longer than 16" in w for w in checked.warnings)
    assert any("CtEvent.acquisition_protocol: NUL byte(s) removed" in w for w in checked.warnings)


def test_indexed_names_cut_at_a_character_boundary() -> None:
    protocol = "é" * 1500  # 3000 UTF-8 bytes: cut to 1000 characters (2000 bytes)
    report = dataclasses.replace(_ct(acquisition_protocol=protocol),
                                 study=dataclasses.replace(STUDY, study_description="€" * 700))  # 2100 bytes
    checked = plausible.check(report)
    assert _event(checked).acquisition_protocol == "é" * 1000
    assert checked.study.study_description == "€" * 666  # 1998 bytes: no partial character
    assert any("CtEvent.acquisition_protocol: 1500 characters (3000 bytes) cut to the first 1000" in w
               for w in checked.warnings)
    short = _ct(acquisition_protocol="é" * 1000)
    assert plausible.check(short) is short


def test_ages_outside_0_to_150_years_are_null() -> None:
    for age, kept in (("-05Y", False), ("151Y", False), ("999999999999Y", False), ("045Y", True), ("003W", True)):
        checked = plausible.check(dataclasses.replace(_ct(), patient=r.Patient(age=age)))
        assert (checked.patient.age == age) is kept, age
        assert kept or any(f"Patient.age = {age!r}: not an age of 0 to 150 years" in w for w in checked.warnings)


def test_warnings_quoting_raw_text_are_storable() -> None:
    report = dataclasses.replace(_ct(), warnings=("Dose check: code 3730\x00 is not yes or no", "name \udce9"))
    checked = plausible.check(report)
    assert checked.warnings == ("Dose check: code 3730\\x00 is not yes or no", "name \\udce9")


def test_coded_value_too_long_for_the_code_key() -> None:
    checked = plausible.check(_ct(target_region=r.Coded("1" * 200, "SCT", "Chest")))
    assert _event(checked).target_region is None


def test_overlong_uid_refuses_the_report() -> None:
    report = dataclasses.replace(_ct(), study=dataclasses.replace(STUDY, study_instance_uid="1." * 40))
    with pytest.raises(plausible.ImplausibleReport, match="Study Instance UID is longer than 64"):
        plausible.check(report)


def test_datetime_years_time_zones_cannot_hold() -> None:
    checked = plausible.check(_ct(date_time_started=dt.datetime(1, 1, 1)))
    assert _event(checked).date_time_started is None
    birth = r.Patient(birth_date=dt.date(9999, 1, 1))  # an anonymiser's birth date stays
    report = dataclasses.replace(_ct(), patient=birth)
    assert plausible.check(report) is report


def test_documented_ranges_match_the_code() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "robustness.md").read_text()
    rows = {}
    for line in doc.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[1].lstrip("-").replace(".", "").isdigit():
            rows[cells[0].strip("`")] = (float(cells[1]), float(cells[2]))
    assert rows == {unit: (rng.low, rng.high) for unit, rng in plausible.RANGES.items()}
