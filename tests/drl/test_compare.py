"""Comparison of study DLPs with the UK CT NDRL through standard names, with hand-calculated figures."""

from __future__ import annotations

import datetime

import pytest

from openrem.dose.models import StandardName, Study, UniqueEquipment
from openrem.drl.compare import compare_dlp, local_drl_set
from openrem.drl.csvio import parse_drl_file, write_drl_file
from openrem.drl.library import store_set
from openrem.drl.models import DrlExamMapping, DrlSet

DAY = datetime.date(2026, 3, 1)


def _room(name: str) -> UniqueEquipment:
    return UniqueEquipment.objects.create(identity_hash=name * 8, fields_hash=name * 8, display_name=name)


def _study(room: UniqueEquipment, dlp: float | None, description: str = "CT HEAD",
           weight: float | None = 70.0, date: datetime.date = DAY) -> Study:
    n = Study.objects.count()
    return Study.objects.create(study_instance_uid=f"1.2.3.{n}", modality_type="CT", source_kind="test",
                                study_date=date, study_description=description, total_dlp=dlp,
                                patient_weight=weight, equipment=room)


@pytest.mark.django_db
def test_compare_head_dlp_per_system_and_local_drl() -> None:
    uk = DrlSet.objects.get(name="UK NDRL adult CT", version="2024")
    StandardName.objects.create(standard_name="Head", modality="CT", study_description="CT HEAD")
    StandardName.objects.create(standard_name="Head", modality="CT", study_description="HEAD ROUTINE")
    DrlExamMapping.objects.create(drl_set=uk, exam="Head", standard_name="Head")
    ct1, ct2 = _room("CT1"), _room("CT2")
    for dlp in (600, 700, 800, 900):
        _study(ct1, dlp)
    above = _study(ct1, 1000, description="HEAD ROUTINE")       # CT1: 600..1000, median 800
    for dlp in (400, 500, 500, 600):
        _study(ct2, dlp)                                         # CT2: median 500
    _study(ct2, 5000, weight=120.0)                              # outside 50-90 kg
    _study(ct2, 5000, weight=None)                               # weight unknown
    _study(ct2, 5000, date=datetime.date(2025, 1, 1))            # outside the period
    _study(ct2, None)                                            # no DLP
    _study(ct2, 5000, description="CT CHEST")                    # other standard name

    [head] = compare_dlp(uk, date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31),
                         weight_kg=(50.0, 90.0), min_studies_per_room=4, seed=3)
    assert head.exam == "Head" and head.drl_value == 790.0
    assert head.excluded_by_weight == 2
    ct1_row, ct2_row = head.rows
    assert (ct1_row.system, ct1_row.n_studies, ct1_row.median, ct1_row.p75) == ("CT1", 5, 800.0, 900.0)
    assert ct1_row.ratio == pytest.approx(800 / 790)
    assert ct1_row.above_drl == sorted(s.pk for s in Study.objects.filter(total_dlp__in=[800, 900, 1000]))
    assert above.pk in ct1_row.above_drl
    # CT2: 400, 500, 500, 600 -> median 500, p75 at h = 2.25 -> 500 + 0.25 x 100 = 525
    assert (ct2_row.n_studies, ct2_row.median, ct2_row.p75, ct2_row.above_drl) == (4, 500.0, 525.0, [])
    # local DRL: room medians 500 and 800 -> h = 0.75 -> 500 + 0.75 x 300 = 725
    assert head.local is not None and head.local.value == pytest.approx(725.0)
    assert head.local.n_rooms == 2 and head.local.n_studies == 9
    # exported as a DRL set: stored and read back with its source
    parsed = local_drl_set([head], name="Local CT", version="2026", source="Local audit 2026")
    stored = store_set(parse_drl_file(write_drl_file(parsed)), is_local=True)
    assert stored.is_local and stored.values.get(exam="Head", quantity="dlp").value == 725.0


@pytest.mark.django_db
def test_unmapped_exams_are_not_compared() -> None:
    uk = DrlSet.objects.get(name="UK NDRL adult CT", version="2024")
    assert compare_dlp(uk) == []


@pytest.mark.django_db
def test_compare_page_shows_ratio_and_local_drl(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    uk = DrlSet.objects.get(name="UK NDRL adult CT", version="2024")
    StandardName.objects.create(standard_name="Head", modality="CT", study_description="CT HEAD")
    DrlExamMapping.objects.create(drl_set=uk, exam="Head", standard_name="Head")
    room = _room("CT9")
    studies = [_study(room, dlp) for dlp in (500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400)]
    user = django_user_model.objects.create_user("viewer", password="x")
    user.groups.add(Group.objects.get_or_create(name="viewgroup")[0])
    client.force_login(user)
    page = client.get("/drl/compare/", {"set": uk.pk, "date_from": "2026-01-01"}).content.decode()
    # median of 500..1400 = 950; ratio 950 / 790 = 1.20; p75 at h = 6.75 -> 1100 + 0.75 x 100 = 1175
    assert "CT9" in page and "<td>950.0</td>" in page and "<td>1,175</td>" in page and "1.20" in page
    assert f'/ct/{studies[-1].pk}/' in page                      # listed above the DRL
    assert "<strong>950.0 mGy.cm</strong>" in page               # one system: local DRL = its median
    assert "minimum values per system: 10; minimum systems: 1" in page
    assert 'id="drl-export"' not in page                         # storing a set: administrators only
    assert client.get("/drl/compare/", {"date_from": "nonsense"}).status_code == 200
