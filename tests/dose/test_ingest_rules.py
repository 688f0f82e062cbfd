"""The study-level rules of the single write path, on hand-built reports (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest

from factories import LEFT, RIGHT, ct_report, dx_image, mg_image
from openrem.dose.ingest import Action, ingest
from openrem.dose.models import NotPatientIndicator, PatientIDSettings, Study, UniqueEquipment
from openrem.dose.patient import sha256_hex
from openrem.dose.reference import dump_reference

pytestmark = pytest.mark.django_db


def test_new_report_is_stored_with_summary() -> None:
    result = ingest(ct_report("1.1", "1.1.1", ["e1", "e2"]))
    assert result.action is Action.STORED
    study = Study.objects.get()
    assert (study.number_of_events, study.number_of_spiral, study.total_dlp) == (2, 2, 200.0)
    assert study.equipment.display_name == "General CT1"
    assert study.patient_age_decimal == 50.0


def test_same_object_twice_is_already_stored() -> None:
    ingest(ct_report("1.1", "1.1.1", ["e1"]))
    assert ingest(ct_report("1.1", "1.1.1", ["e1"])).action is Action.ALREADY
    assert Study.objects.count() == 1


def test_cumulative_report_replaces_and_carries_objects() -> None:
    ingest(ct_report("1.1", "1.1.1", ["e1"]))
    result = ingest(ct_report("1.1", "1.1.2", ["e1", "e2"]))
    assert result.action is Action.REPLACED
    study = Study.objects.get()
    assert study.number_of_events == 2
    assert set(study.processed_objects.values_list("sop_instance_uid", flat=True)) == {"1.1.1", "1.1.2"}


def test_subset_report_is_recorded_only() -> None:
    ingest(ct_report("1.1", "1.1.2", ["e1", "e2"]))
    assert ingest(ct_report("1.1", "1.1.1", ["e1"])).action is Action.ALREADY
    study = Study.objects.get()
    assert study.number_of_events == 2
    assert study.processed_objects.count() == 2


def test_continued_study_is_a_second_study() -> None:
    ingest(ct_report("1.1", "1.1.1", ["e1", "e2"]))
    assert ingest(ct_report("1.1", "1.1.2", ["e3"])).action is Action.STORED
    assert Study.objects.filter(study_instance_uid="1.1").count() == 2


def test_patient_identifiers_follow_settings() -> None:
    ingest(ct_report("1.1", "1.1.1", ["e1"]))
    study = Study.objects.get()
    assert (study.patient_name, study.patient_id) == (None, None)
    settings = PatientIDSettings.get()
    settings.name_stored = settings.id_stored = True
    settings.id_hashed = True
    settings.name_hashed = False
    settings.save()
    ingest(ct_report("2.1", "2.1.1", ["f1"]))
    study = Study.objects.get(study_instance_uid="2.1")
    assert study.patient_name == "Doe^Jane" and not study.patient_name_hashed
    assert study.patient_id == sha256_hex("P1") and study.patient_id_hashed


def test_not_patient_indicator_records_matching_pattern() -> None:
    NotPatientIndicator.objects.create(field=NotPatientIndicator.NAME, pattern="doe*")
    NotPatientIndicator.objects.create(field=NotPatientIndicator.ID, pattern="QA*")
    ingest(ct_report("1.1", "1.1.1", ["e1"]))
    assert Study.objects.get().not_patient_indicator == "Names: doe*"


def test_display_name_is_kept_for_a_known_system_after_upgrade() -> None:
    ingest(ct_report("1.1", "1.1.1", ["e1"]))
    UniqueEquipment.objects.update(display_name="Main CT")
    report = ct_report("2.1", "2.1.1", ["f1"])
    from dataclasses import replace

    upgraded = replace(report, equipment=replace(report.equipment, device_observer_uid="9.9.9"))
    ingest(upgraded)
    assert UniqueEquipment.objects.count() == 2
    assert set(UniqueEquipment.objects.values_list("display_name", flat=True)) == {"Main CT"}


def _images() -> list:
    base = dt.datetime(2024, 5, 1, 9, 0)
    return [dx_image("5.1", f"5.1.{i}", base + dt.timedelta(minutes=i), dap=0.0001 * (i + 1)) for i in range(4)]


def _normalised_dump() -> list:
    studies = dump_reference()["studies"]
    for s in studies:
        s.pop("pk")
        s["sop_instance_uids_processed"] = sorted(s["sop_instance_uids_processed"])
    return studies


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_images_in_any_order_make_the_same_study(seed: int) -> None:
    images = _images()
    for image in images:
        ingest(image)
    expected = _normalised_dump()
    Study.objects.all().delete()
    random.Random(seed).shuffle(images)
    for image in images + images[:2]:  # and some sent twice
        ingest(image)
    assert _normalised_dump() == expected
    study = Study.objects.get()
    assert study.number_of_events == 4
    assert study.total_dap == pytest.approx(0.001)


def test_for_processing_copy_of_an_exposure_adds_nothing() -> None:
    when = dt.datetime(2024, 5, 1, 9, 0)
    ingest(dx_image("6.1", "6.1.1", when, dap=0.0002))
    result = ingest(dx_image("6.1", "6.1.2", when, dap=0.0002))
    assert result.action is Action.MERGED
    study = Study.objects.get()
    assert study.number_of_events == 1
    assert study.processed_objects.count() == 2


def test_mammography_images_sum_agd_per_breast() -> None:
    base = dt.datetime(2024, 5, 2, 9, 0)
    reports = [mg_image("7.1", f"7.1.{i}", base + dt.timedelta(minutes=i), agd, side)
               for i, (agd, side) in enumerate([(1.0, LEFT), (1.5, RIGHT), (1.25, LEFT)])]
    for perm in itertools.islice(itertools.permutations(reports), 3):
        Study.objects.all().delete()
        for rep in perm:
            ingest(rep)
        study = Study.objects.get()
        assert (study.total_agd_left, study.total_agd_right, study.number_of_events) == (2.25, 1.5, 3)


def test_ct_report_and_images_with_one_uid_stay_apart() -> None:
    ingest(ct_report("8.1", "8.1.1", ["e1"]))
    ingest(dx_image("8.1", "8.1.2", dt.datetime(2024, 1, 1, 8), dap=0.0001))
    assert sorted(Study.objects.values_list("modality_type", flat=True)) == ["CT", "DX"]
