"""The CT detail page shows SSDE in its own column beside CTDIvol (docs/ssde.md); screenshot kept."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from browser_support import assert_styled, shot

from openrem.dicom.parse import parse_bytes
from openrem.dicom.synth.common import to_bytes
from openrem.dicom.synth.ct import ct_dataset, ct_spec
from openrem.dose.ingest import ingest
from openrem.dose.models import CtEvent

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _ct_study_with_dw(transactional_db: Any) -> int:
    """A synthetic CT RDSR whose non-localiser events carry a water-equivalent diameter of 25 cm."""
    spec = ct_spec(random.Random(12))  # an abdomen-pelvis study (body CT)
    events = tuple(ev if ev.acquisition_type == "localizer" else replace(ev, water_equivalent_diameter_cm=25.0)
                   for ev in spec.events)
    result = parse_bytes(to_bytes(ct_dataset(replace(spec, events=events))))
    assert result.report is not None
    pk = ingest(result.report).study_pk
    assert pk is not None
    return pk


def test_ct_detail_has_an_ssde_column(viewer_page: Page, transactional_db: Any) -> None:
    pk = _ct_study_with_dw(transactional_db)
    page = viewer_page
    response = page.goto(f"/ct/{pk}/")
    assert response is not None and response.status == 200
    assert_styled(page)
    headers = page.locator("#ct-events thead th").all_inner_texts()
    assert "SSDE (mGy)" in headers
    assert headers.index("SSDE (mGy)") == headers.index("CTDIvol (mGy)") + 1  # its own column, beside CTDIvol
    with_ssde = CtEvent.objects.filter(parent__parent_id=pk, ssde_mgy__isnull=False).count()
    assert with_ssde >= 1
    cells = page.locator("#ct-events tbody td.ssde-col .ssde-method")
    assert cells.count() == with_ssde
    assert "Dw 25.0 cm" in cells.first.inner_text()
    shot(page, "ct-detail-ssde")
    page.goto("/ct/")
    assert "Highest SSDE" in page.locator("#study-table thead").inner_text()
