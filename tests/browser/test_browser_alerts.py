"""Alerts and patient size in Chromium: a fluoroscopy level changed, the recalculation run, the study list
and detail highlighting follow; a size CSV uploaded and the study's height shown.

URL names: ``alerts_rf_settings`` (form field ``total_dap``), ``alerts_recalculate`` (button
``#recalculate``), ``study_list`` / ``study_detail`` (row class ``dose-alert``, ``#study-alerts``),
``ptsize_upload`` (``csv_file``), ``ptsize_process`` (``id_field``, ``height_field``, ...), ``ptsize_imports``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from browser_support import assert_styled, shot
from django.urls import reverse

from openrem.alerts.models import AlertRule
from openrem.alerts.presets import create_presets
from openrem.dose.models import Study
from openrem.dose.services import import_file
from openrem.skinmaps.models import SkinMapSettings

if TYPE_CHECKING:
    from playwright.sync_api import Page

RF_SAMPLE = "RF-RDSR-Philips_Allura.dcm"  # 153.6 cGy.cm2 total DAP: under the default 20,000
DX_SAMPLE = "DX-Im-GE_XR220-1.dcm"


def _set_dap_level(page: Page, level: str) -> None:
    page.goto(reverse("alerts_rf_settings"))
    page.fill("[name=total_dap]", level)
    with page.expect_navigation():
        page.locator("#rf-settings [type=submit]").click()
    assert page.locator(".alert-success").is_visible()
    assert page.locator("#recalc-needed").is_visible()
    with page.expect_navigation():
        page.click("#recalculate")
    assert page.locator("#recalc-status").get_attribute("data-status") == "complete"
    assert not page.locator("#recalc-needed").is_visible()


def _row_highlighted(page: Page, pk: int) -> bool:
    page.goto(reverse("study_list", args=["rf"]))
    row = page.locator(f"#study-table tbody tr:has(a[href='{reverse('study_detail', args=['rf', pk])}'])")
    return "dose-alert" in (row.get_attribute("class") or "")


def test_level_change_and_recalculation_change_the_highlighting(
        transactional_db: Any, login_as: Callable[[str], Page], sample: Callable[[str], Path]) -> None:
    create_presets(AlertRule)  # the transactional test database is emptied between tests
    SkinMapSettings.objects.update_or_create(pk=1, defaults={"enabled": False})  # not under test here
    assert not import_file(sample(RF_SAMPLE)).failed
    study = Study.objects.get(modality_type="RF")
    page = login_as("admingroup")
    page.set_default_navigation_timeout(60_000)  # the fluoroscopy detail page is slow on a busy machine

    assert not _row_highlighted(page, study.pk)
    page.goto(reverse("study_detail", args=["rf", study.pk]))
    assert page.locator("#study-alerts").count() == 0
    assert page.locator("#rf-planes .dose-high").count() == 0

    _set_dap_level(page, "100")
    assert_styled(page)
    shot(page, "alerts-rf-settings")
    assert _row_highlighted(page, study.pk)
    shot(page, "alerts-rf-list-highlighted")
    page.goto(reverse("study_detail", args=["rf", study.pk]))
    assert "Total DAP (study): 153.6 cGy·cm² > 100.0 cGy·cm²" in page.locator("#study-alerts").inner_text()
    assert page.locator("#rf-planes .dose-high").count() == 1
    assert page.locator("#rf-events .dose-high").count() == 0  # events are not compared with study levels
    page.goto(reverse("alerts_list"))
    assert "153.6" in page.locator("#alert-table").inner_text()

    _set_dap_level(page, "20000")
    assert not _row_highlighted(page, study.pk)
    page.goto(reverse("study_detail", args=["rf", study.pk]))
    assert page.locator("#study-alerts").count() == 0


def test_size_csv_upload_shows_the_height(transactional_db: Any, login_as: Callable[[str], Page],
                                         sample: Callable[[str], Path], tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    assert not import_file(sample(DX_SAMPLE)).failed
    study = Study.objects.get()
    Study.objects.filter(pk=study.pk).update(accession_number="BROWSER-1", accession_hashed=False,
                                             patient_size=None)
    csv = tmp_path / "sizes.csv"
    csv.write_bytes("\ufeffAccNo;Height (cm);Weight (kg)\nBROWSER-1;168;71,5\nUNKNOWN;170;60\n".encode())

    page = login_as("importsizegroup")
    page.goto(reverse("ptsize_upload"))
    assert_styled(page)
    page.set_input_files("[name=csv_file]", str(csv))
    with page.expect_navigation():
        page.locator("#size-upload [type=submit]").click()
    page.select_option("[name=id_field]", "AccNo")
    page.select_option("[name=height_field]", "Height (cm)")
    page.select_option("[name=weight_field]", "Weight (kg)")
    shot(page, "ptsize-columns")
    with page.expect_navigation():
        page.locator("#size-columns [type=submit]").click()
    assert page.url.endswith(reverse("ptsize_imports"))
    done = page.locator("#size-done").inner_text()
    assert "2 rows: 1 stored, 1 not used" in done
    shot(page, "ptsize-imports")

    page = login_as("viewgroup")
    page.goto(reverse("study_detail", args=["dx", study.pk]))
    patient = page.locator("#patient-info").inner_text()
    assert "1.68 m" in patient and "71.5 kg" in patient
