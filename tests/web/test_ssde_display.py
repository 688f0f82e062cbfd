"""SSDE and the effective dose estimate on the CT detail page and in the CT list, next to CTDIvol/DLP."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.test import Client
from django.urls import reverse

from factories import ct_event, ct_report
from openrem.dicom import records as r
from openrem.dose.ingest import ingest

pytestmark = pytest.mark.django_db
BODY = r.Coded("113691", "DCM", "IEC Body Dosimetry Phantom")
CHEST = r.Coded("T-D3000", "SRT", "Chest")
LIST = reverse("study_list", kwargs={"slug": "ct"})


def _store(uid: str, dw_mm: float | None) -> int:
    report = ct_report(uid, f"{uid}.1", [])
    scan = replace(ct_event(f"{uid}.e", dlp=290.0, ctdi=10.0), ctdiw_phantom_type=BODY, target_region=CHEST,
                   water_equivalent_diameter=dw_mm)
    result = ingest(replace(report, ct_radiation_dose=(replace(report.ct_radiation_dose[0], events=(scan,)),)))
    assert result.study_pk is not None
    return result.study_pk


def test_detail_shows_ssde_beside_ctdivol_and_labelled_effective_dose(viewer: Client) -> None:
    pk = _store("5.1", 300.0)
    page = viewer.get(reverse("study_detail", args=["ct", pk])).content.decode()
    assert "SSDE (mGy)" in page and "CTDIvol (mGy)" in page
    assert ">12.3<" in page  # 10 mGy x 1.231 (32 cm fit at Dw 30 cm), 3 significant figures
    assert "Dw 30.0 cm" in page
    assert "population-average estimate, not patient dose" in page
    assert ">4.06" in page  # 290 mGy.cm x 0.014 mSv/(mGy.cm), adult chest


def test_detail_without_size_says_so(viewer: Client) -> None:
    pk = _store("5.2", None)
    page = viewer.get(reverse("study_detail", args=["ct", pk])).content.decode()
    assert "not available (no patient size)" in page


def test_list_column_and_filter(viewer: Client) -> None:
    small, large = _store("5.3", 300.0), _store("5.4", 200.0)  # SSDE 12.3 and 17.8 mGy
    response = viewer.get(f"{LIST}?ssde_min=15")
    assert [s.pk for s, _ in response.context["rows"]] == [large]
    page = viewer.get(LIST).content.decode()
    assert "Highest SSDE" in page and "Effective dose estimate" in page
    assert {s.pk for s, _ in viewer.get(f"{LIST}?ssde_max=15").context["rows"]} == {small}
