"""The DRL line of charts: the chart API gives, per category, the DRL of the examination mapped to it,
in the chart's stored unit, naming the set and version (docs/drl.md "DRL line on charts")."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User

from openrem.charts.compute import chart_data
from openrem.charts.options import ChartOptions, from_json
from openrem.dose.models import CtEvent, CtRadiationDose, StandardName, Study, UniqueEquipment
from openrem.drl.csvio import parse_drl_file
from openrem.drl.library import store_set
from openrem.drl.models import DrlExamMapping, DrlSet
from openrem.modalities.registry import MODALITIES
from openrem.web.filtering import filtered_studies

pytestmark = pytest.mark.django_db
DX_SET = """# Set: Test DX
# Version: 1
# Valid from: 2020-01-01
# Modality: DX
# Source: Test set, values invented for the unit conversion test
exam,quantity,value,unit
Chest PA,dap,10,cGy.cm2
"""


def _studies(modality: str = "CT", **fields: Any) -> None:
    room = UniqueEquipment.objects.create(identity_hash="r" * 40, fields_hash="r" * 40, display_name="Room 1")
    for i, (desc, dose) in enumerate((("CT HEAD", 700.0), ("CT HEAD", 900.0), ("CT CHEST", 300.0))):
        value = {"total_dlp": dose} if modality == "CT" else {"total_dap": dose * 1e-6}
        study = Study.objects.create(study_instance_uid=f"9.9.{i}", modality_type=modality, source_kind="test",
                                     study_date=datetime.date(2026, 1, 5), study_description=desc,
                                     equipment=room, **value, **fields)
        if modality == "CT":
            report = CtRadiationDose.objects.create(parent=study)
            CtEvent.objects.create(parent=report, irradiation_event_uid=f"e{i}", acquisition_protocol="Seq",
                                   ct_acquisition_type_code="116152004|SCT", dlp=dose, mean_ctdivol=dose / 20)


def _chart(slug: str, chart_id: str, options: ChartOptions | None = None) -> dict[str, Any]:
    user = User.objects.create(username=f"u{User.objects.count()}", is_superuser=True)
    modality = MODALITIES[slug]
    chart = modality.chart(chart_id)
    assert chart is not None
    studies, form = filtered_studies(modality, user, {})
    assert form.is_valid()
    return chart_data(modality, chart, studies, options or ChartOptions())


def _map_head() -> DrlSet:
    uk = DrlSet.objects.get(name="UK NDRL adult CT", version="2024")
    StandardName.objects.create(standard_name="Head", modality="CT", study_description="CT HEAD")
    DrlExamMapping.objects.create(drl_set=uk, exam="Head", standard_name="Head")
    return uk


def test_standard_name_chart_carries_the_drl_of_the_mapped_exam() -> None:
    _studies()
    uk = _map_head()
    data = _chart("ct", "standard_study_name_dlp")
    assert data["drl"]["set"] == {"id": uk.pk, "name": "UK NDRL adult CT", "version": "2024",
                                  "label": "UK NDRL adult CT (2024)", "source": uk.source,
                                  "valid_from": "2024-11-20"}
    assert data["drl"]["quantity"] == "dlp" and data["drl"]["unit"] == "mGy·cm"
    assert data["drl"]["values"] == [{"category": "Head", "exam": "Head", "value": 790.0}]


def test_study_description_chart_maps_through_standard_names_and_ctdivol() -> None:
    _studies()
    _map_head()
    data = _chart("ct", "study_description_dlp")
    assert data["drl"]["values"] == [{"category": "CT HEAD", "exam": "Head", "value": 790.0}]
    ctdi = _chart("ct", "study_description_ctdivol")  # CTDIvol per sequence: UK head 47 mGy
    assert ctdi["drl"]["quantity"] == "ctdivol" and ctdi["drl"]["values"][0]["value"] == 47.0
    over_time = _chart("ct", "study_description_dlp_over_time")
    assert over_time["drl"]["values"] == [{"category": "CT HEAD", "exam": "Head", "value": 790.0}]


def test_chart_option_chooses_the_set_or_none() -> None:
    _studies()
    uk = _map_head()
    newer = store_set(parse_drl_file(DX_SET.replace("Test DX", "Newer CT").replace("DX", "CT")
                                     .replace("Chest PA,dap,10,cGy.cm2", "Head,dlp,650,mGy.cm")
                                     .replace("2020-01-01", "2030-01-01")))
    DrlExamMapping.objects.create(drl_set=newer, exam="Head", standard_name="Head")
    auto = _chart("ct", "standard_study_name_dlp")
    assert auto["drl"]["set"]["name"] == "Newer CT" and auto["drl"]["values"][0]["value"] == 650.0
    chosen = _chart("ct", "standard_study_name_dlp", from_json({"drl_set": str(uk.pk)}))
    assert chosen["drl"]["values"][0]["value"] == 790.0
    assert _chart("ct", "standard_study_name_dlp", from_json({"drl_set": "none"}))["drl"] is None
    assert from_json({"drl_set": "drop table"}).drl_set == "auto"


def test_dap_drl_converted_to_the_stored_unit() -> None:
    _studies("DX")
    dx = store_set(parse_drl_file(DX_SET))
    StandardName.objects.create(standard_name="Chest", modality="DX", study_description="CT CHEST")
    DrlExamMapping.objects.create(drl_set=dx, exam="Chest PA", standard_name="Chest")
    data = _chart("dx", "study_description_dap", from_json({"drl_set": str(dx.pk)}))
    # 10 cGy.cm2 = 10 x 1e-6 Gy.m2 (stored unit); the page multiplies by display_scale 1e6
    assert data["drl"]["unit"] == "Gy·m²"
    assert data["drl"]["values"] == [{"category": "CT CHEST", "exam": "Chest PA", "value": pytest.approx(1e-5)}]


def test_charts_without_a_drl_quantity_have_no_drl_key() -> None:
    _studies()
    _map_head()
    assert "drl" not in _chart("ct", "study_description_frequency")
    assert "drl" not in _chart("ct", "study_description_events")
