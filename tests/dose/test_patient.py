"""Patient age, identifiers and objects recorded per study; proofs for two reference deviations."""

from __future__ import annotations

import datetime as dt

import pydicom
import pytest

from openrem.dicom.values import parse_da
from openrem.dose.models import Study
from openrem.dose.patient import decimal_age, not_patient_indicator, protect, sha256_hex
from openrem.dose.services import import_file


def test_decimal_age_from_birth_date() -> None:
    assert decimal_age(dt.date(1970, 1, 1), dt.date(2020, 7, 2), "049Y") == 50.5


@pytest.mark.parametrize(("age", "expected"), [("063Y", 63.0), ("006M", 0.5), ("014D", 0.0), ("052W", 1.0), (None, None)])
def test_decimal_age_from_age_string(age: str | None, expected: float | None) -> None:
    assert decimal_age(None, dt.date(2020, 1, 1), age) == expected


def test_placeholder_birth_date_falls_back_to_age_string(sample) -> None:  # type: ignore[no-untyped-def]
    ds = pydicom.dcmread(sample("NM-CT-RDSR-Siemens.dcm"), stop_before_pixels=True)
    birth, study, age = parse_da(ds.PatientBirthDate), parse_da(ds.StudyDate), ds.PatientAge
    assert birth == dt.date(9999, 1, 1)  # anonymiser placeholder: the reference stored -7976.7 years
    assert age == "063Y"
    assert decimal_age(birth, study, age) == 63.0


def test_identifier_protection() -> None:
    assert protect("P1", stored=False, hashed=True) == (None, False)
    assert protect("P1", stored=True, hashed=False) == ("P1", False)
    assert protect("P1", stored=True, hashed=True) == (sha256_hex("P1"), True)
    import hashlib

    assert sha256_hex("Müller^Jo") == hashlib.sha256("Müller^Jo".encode()).hexdigest()


def test_not_patient_patterns_are_case_insensitive_globs() -> None:
    assert not_patient_indicator("QA-123", "Phantom^Head", ["qa*"], ["*PHANTOM*"]) == "IDs: qa* | Names: *PHANTOM*"
    assert not_patient_indicator("1234", "Smith^John", ["qa*"], ["phys*"]) is None
    assert not_patient_indicator("x7", None, ["x[0-9]"], []) == "IDs: x[0-9]"


@pytest.mark.django_db
def test_philips_dose_info_object_is_recorded(sample) -> None:  # type: ignore[no-untyped-def]
    path = sample("CT-SC-Philips_Brilliance16P.dcm")
    sop = pydicom.dcmread(path, stop_before_pixels=True).SOPInstanceUID
    assert import_file(path).outcome == "stored"
    study = Study.objects.get()
    assert list(study.processed_objects.values_list("sop_instance_uid", flat=True)) == [sop]
    assert import_file(path).outcome == "already stored"
