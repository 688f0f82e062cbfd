"""Comparison of CTDIvol per sequence, DAP and AGD with a DRL set, and storing the local DRLs of the
page as a new set (administrators only); figures worked out by hand in the comments."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from openrem.dose.models import (
    CtEvent,
    CtRadiationDose,
    ProjectionEvent,
    ProjectionXrayDose,
    StandardName,
    Study,
    UniqueEquipment,
)
from openrem.drl.compare import compare
from openrem.drl.csvio import parse_drl_file
from openrem.drl.library import store_set
from openrem.drl.models import DrlExamMapping, DrlSet

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)
SPIRAL, LOCALISER = "116152004|SCT", "113805|DCM"


def _room(name: str) -> UniqueEquipment:
    return UniqueEquipment.objects.create(identity_hash=name * 8, fields_hash=name * 8, display_name=name)


def _study(room: UniqueEquipment, modality: str, description: str, weight: float | None = 70.0,
           **fields: Any) -> Study:
    n = Study.objects.count()
    return Study.objects.create(study_instance_uid=f"4.4.{n}", modality_type=modality, source_kind="test",
                                study_date=DAY, study_description=description, patient_weight=weight,
                                equipment=room, **fields)


def _map(drl_set: DrlSet, exam: str, name: str, modality: str, description: str) -> None:
    StandardName.objects.create(standard_name=name, modality=modality, study_description=description)
    DrlExamMapping.objects.create(drl_set=drl_set, exam=exam, standard_name=name)


def test_ctdivol_per_sequence_without_localisers() -> None:
    uk = DrlSet.objects.get(name="UK NDRL adult CT", version="2024")  # head CTDIvol NDRL 47 mGy
    _map(uk, "Head", "Head", "CT", "CT HEAD")
    room = _room("CT1")
    for ctdis in ((40.0, 60.0), (50.0,)):
        report = CtRadiationDose.objects.create(parent=_study(room, "CT", "CT HEAD", total_dlp=800))
        for i, ctdi in enumerate(ctdis):
            CtEvent.objects.create(parent=report, irradiation_event_uid=f"s{report.pk}.{i}",
                                   ct_acquisition_type_code=SPIRAL, mean_ctdivol=ctdi)
        CtEvent.objects.create(parent=report, irradiation_event_uid=f"l{report.pk}", mean_ctdivol=500.0,
                               ct_acquisition_type_code=LOCALISER)  # localiser: not a sequence
    [head] = compare(uk, "ctdivol", min_studies_per_room=3)
    # sequences 40, 50, 60: median 50, p75 at h = 1.5 -> 50 + 0.5 x 10 = 55; ratio 50 / 47
    [row] = head.rows
    assert (head.unit, head.drl_value, head.per_event) == ("mGy", 47.0, True)
    assert (row.n_studies, row.n_values, row.median, row.p75) == (2, 3, 50.0, 55.0)
    assert row.ratio == pytest.approx(50 / 47)
    assert len(row.above_drl) == 2  # 60 and 50 mGy are above 47 mGy
    assert head.local is not None and head.local.value == 50.0  # one system: its median


DX_SET = """# Set: Test DX
# Version: 1
# Modality: DX
# Source: Values invented for the test
exam,quantity,value,unit
Chest PA,dap,10,cGy.cm2
"""


def test_dap_in_the_unit_of_the_drl_and_agd_per_exposure() -> None:
    dx = store_set(parse_drl_file(DX_SET))
    _map(dx, "Chest PA", "Chest", "DX", "CHEST PA")
    room = _room("DX1")
    for dap_gym2 in (8e-6, 12e-6, 16e-6):  # 8, 12, 16 cGy.cm2
        _study(room, "DX", "CHEST PA", total_dap=dap_gym2)
    _study(room, "CR", "CHEST PA", weight=None, total_dap=1.0)  # weight unknown: excluded
    [chest] = compare(dx, "dap", weight_kg=(50.0, 90.0), min_studies_per_room=3)
    [row] = chest.rows
    assert chest.unit == "cGy.cm2" and chest.excluded_by_weight == 1
    assert (row.n_studies, row.median, row.p75) == (3, pytest.approx(12.0), pytest.approx(14.0))
    mg = store_set(parse_drl_file(DX_SET.replace("Test DX", "Test MG").replace("DX", "MG")
                                  .replace("Chest PA,dap,10,cGy.cm2", "Screening,agd,2.5,mGy")))
    _map(mg, "Screening", "Screening", "MG", "MAMMO SCREEN")
    report = ProjectionXrayDose.objects.create(parent=_study(_room("MG1"), "MG", "MAMMO SCREEN"))
    for i, agd in enumerate((1.0, 2.0, 3.0, 4.0)):
        ProjectionEvent.objects.create(parent=report, irradiation_event_uid=f"m{i}", average_glandular_dose=agd)
    [screen] = compare(mg, "agd", min_studies_per_room=4)
    # exposures 1, 2, 3, 4 mGy: median 2.5, p75 at h = 2.25 -> 3.25
    assert (screen.rows[0].n_values, screen.rows[0].median, screen.rows[0].p75) == (4, 2.5, 3.25)


def _user(name: str, group: str) -> User:
    user = User.objects.create(username=name)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def test_store_local_drls_as_a_set(client: Any) -> None:
    uk = DrlSet.objects.get(name="UK NDRL adult CT", version="2024")
    _map(uk, "Head", "Head", "CT", "CT HEAD")
    a, b = _room("CTA"), _room("CTB")
    for dlp in (600, 700, 800):
        _study(a, "CT", "CT HEAD", total_dlp=dlp)
    for dlp in (300, 400, 500):
        _study(b, "CT", "CT HEAD", total_dlp=dlp)
    params = {"set": uk.pk, "quantity": "dlp", "standard_size": "1", "min_studies": "3", "min_rooms": "2"}
    client.force_login(_user("viewer", "viewgroup"))
    assert client.post("/drl/compare/export/", {**params, "name": "Local", "version": "1"}).status_code == 403
    client.force_login(_user("admin", "admingroup"))
    page = client.get("/drl/compare/", params).content.decode()
    assert 'id="drl-export"' in page and "minimum values per system: 3; minimum systems: 2" in page
    response = client.post("/drl/compare/export/", {**params, "name": "Local CT", "version": "2026-1"})
    stored = DrlSet.objects.get(name="Local CT", version="2026-1")
    assert response.status_code == 302 and f"set={stored.pk}" in response["Location"]
    # room medians 400 and 700: p75 at h = 0.75 -> 400 + 0.75 x 300 = 625
    assert stored.is_local and stored.values.get(exam="Head", quantity="dlp").value == 625.0
    assert "75th percentile of system medians" in stored.source and str(uk) in stored.source
    assert list(stored.mappings.values_list("exam", "standard_name")) == [("Head", "Head")]
    again = client.post("/drl/compare/export/", {**params, "name": "Local CT", "version": "2026-1"}, follow=True)
    assert "exists already" in again.content.decode()
    assert DrlSet.objects.filter(name="Local CT").count() == 1
