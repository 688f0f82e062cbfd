"""Modality rewrites of a system's studies, dual re-sorting, not-patient re-flagging, standard name filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from factories import ct_report, dx_image, nm_report, rf_report
from openrem.dose.ingest import ingest
from openrem.dose.models import NotPatientIndicator, PatientIDSettings, StandardName, Study, UniqueEquipment
from openrem.dose.reprocess import reflag_not_patient, resort_dual, set_user_modality
from openrem.dose.services import import_file
from openrem.dose.standard_names import acquisition_name_q, study_name_q

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(2024, 5, 1, 9, 0)


def _types(eq: UniqueEquipment) -> list[str | None]:
    return sorted(Study.objects.filter(equipment=eq).values_list("modality_type", flat=True))


def test_dx_to_rf_and_back_rewrites_existing_studies() -> None:
    pks = [ingest(dx_image(f"1.{i}", f"1.{i}.1", WHEN, dap=0.0001)).study_pk for i in range(3)]
    eq = Study.objects.get(pk=pks[0]).equipment
    assert _types(eq) == ["DX", "DX", "DX"]
    change = set_user_modality(eq, "RF")
    assert change.counts == {"RF": 3}
    assert _types(eq) == ["RF", "RF", "RF"]
    eq.refresh_from_db()
    assert eq.user_defined_modality == "RF"
    set_user_modality(eq, "DX")
    assert _types(eq) == ["DX", "DX", "DX"]


def test_rewrite_leaves_ct_and_nm_studies_alone() -> None:
    ct = ingest(ct_report("2.1", "2.1.1", ["e1"])).study_pk
    nm = ingest(nm_report("2.2", "2.2.1")).study_pk
    for pk in (ct, nm):
        set_user_modality(Study.objects.get(pk=pk).equipment, "RF")
    assert Study.objects.get(pk=ct).modality_type == "CT"
    assert Study.objects.get(pk=nm).modality_type == "NM"


def test_unknown_user_modality_is_refused() -> None:
    eq = Study.objects.get(pk=ingest(dx_image("3.1", "3.1.1", WHEN, dap=0.0001)).study_pk).equipment
    with pytest.raises(ValueError):
        set_user_modality(eq, "XX")
    eq.refresh_from_db()
    assert eq.user_defined_modality is None


def test_dual_resorts_hand_built_studies() -> None:
    rf = Study.objects.get(pk=ingest(rf_report("4.1", "4.1.1")).study_pk)
    dx = Study.objects.get(pk=ingest(dx_image("4.2", "4.2.1", WHEN, dap=0.0001)).study_pk)
    # both on one system, both wrongly typed
    dx.equipment = rf.equipment
    Study.objects.filter(pk__in=[rf.pk, dx.pk]).update(modality_type="OT", equipment=rf.equipment)
    change = set_user_modality(rf.equipment, "dual")
    assert change.counts == {"RF": 1, "DX": 1}
    assert Study.objects.get(pk=rf.pk).modality_type == "RF"
    assert Study.objects.get(pk=dx.pk).modality_type == "DX"


@pytest.mark.shared
def test_dual_resort_on_real_siemens_dual_system(sample: Callable[[str], Path]) -> None:
    for name in ("Dual-RDSR-DX.dcm", "Dual-RDSR-RF.dcm"):
        assert import_file(sample(name)).outcome == "stored"
    studies = {s.study_description: s for s in Study.objects.select_related("equipment")}
    assert len({s.equipment_id for s in studies.values()}) == 1
    eq = next(iter(studies.values())).equipment
    set_user_modality(eq, "RF")  # everything RF: the radiography study is now misfiled
    assert _types(eq) == ["RF", "RF"]
    change = set_user_modality(eq, "dual")
    assert change.counts == {"DX": 1, "RF": 1}
    assert Study.objects.get(pk=studies["Z_Physics Test"].pk).modality_type == "DX"  # zero fluoro totals
    assert Study.objects.get(pk=studies["Cardiac pacemaker temporary"].pk).modality_type == "RF"
    assert resort_dual(eq).counts == {"DX": 1, "RF": 1}  # idempotent


def test_reflag_uses_stored_identifiers_only() -> None:
    settings = PatientIDSettings.get()
    settings.id_stored, settings.id_hashed = True, False
    settings.save()
    stored = ingest(ct_report("5.1", "5.1.1", ["e1"])).study_pk  # patient ID "P1" stored in clear
    settings.id_stored = False
    settings.save()
    hidden = ingest(ct_report("5.2", "5.2.1", ["e2"])).study_pk
    Study.objects.filter(pk=hidden).update(not_patient_indicator="IDs: *old*")
    assert Study.objects.get(pk=stored).not_patient_indicator is None
    NotPatientIndicator.objects.create(field="id", pattern="p?")
    result = reflag_not_patient()
    assert (result.checked, result.changed, result.unknown) == (1, 1, 1)
    assert Study.objects.get(pk=stored).not_patient_indicator == "IDs: p?"
    assert Study.objects.get(pk=hidden).not_patient_indicator == "IDs: *old*"  # nothing to match: kept
    NotPatientIndicator.objects.all().delete()
    reflag_not_patient()
    assert Study.objects.get(pk=stored).not_patient_indicator is None


def test_reflag_keeps_name_part_when_name_not_stored() -> None:
    settings = PatientIDSettings.get()
    settings.id_stored, settings.id_hashed = True, False
    settings.save()
    pk = ingest(ct_report("6.1", "6.1.1", ["e1"])).study_pk
    Study.objects.filter(pk=pk).update(not_patient_indicator="Names: *doe*")
    NotPatientIndicator.objects.create(field="id", pattern="p1")
    reflag_not_patient()
    assert Study.objects.get(pk=pk).not_patient_indicator == "IDs: p1 | Names: *doe*"


def _q(q: Any) -> list[int]:
    return sorted(Study.objects.filter(q).values_list("pk", flat=True))


def test_standard_name_filters() -> None:
    head = ingest(ct_report("7.1", "7.1.1", ["e1"], study_description="CT HEAD")).study_pk
    brain = ingest(ct_report("7.2", "7.2.1", ["e2"], study_description="Brain w/o")).study_pk
    other = ingest(ct_report("7.3", "7.3.1", ["e3"], study_description="Abdomen")).study_pk
    StandardName.objects.create(standard_name="Head", modality="CT", study_description="CT HEAD")
    StandardName.objects.create(standard_name="Head", modality="CT", study_description="Brain w/o")
    StandardName.objects.create(standard_name="Chest helical", modality="CT", acquisition_protocol="Chest")
    StandardName.objects.create(standard_name="Head", modality="DX", study_description="Abdomen")
    assert _q(study_name_q("ct", "head")) == sorted([brain, head])
    assert _q(study_name_q("CT", "nothing")) == []
    assert _q(acquisition_name_q("CT", "Chest helical")) == sorted([head, brain, other])
    with pytest.raises(ValueError):
        study_name_q("NM", "x")
