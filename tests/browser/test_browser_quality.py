"""Daily-use quality in Chromium at 1,400 x 900: dose columns in view, the column chooser kept per user,
Spanish numbers, import from the browser, and screenshots of every page in English and Spanish."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browser_support import MODALITY_TYPES, SAMPLES, assert_styled, row_pks, shot

from openrem.dose.models import Study
from openrem.web.models import DisplayPreference

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

SLUGS = tuple(MODALITY_TYPES)
PATIENT_MS = 60_000  # imports of 20 files and full-page screenshots take a while on a busy machine


@pytest.fixture(autouse=True)
def _patient(context: BrowserContext) -> None:
    context.set_default_timeout(PATIENT_MS)

DOSE_COLUMNS_IN_VIEW = """() => {
    const cells = Array.from(document.querySelectorAll('th.dose-col'));
    const out = cells.map(th => {
        const r = th.getBoundingClientRect();
        const scroller = th.closest('.table-scroll');
        return {text: th.innerText, left: r.left, right: r.right,
                scrolled: scroller ? scroller.scrollLeft : 0};
    });
    return {cells: out, width: window.innerWidth, pageScroll: document.documentElement.scrollWidth};
}"""


def test_dose_columns_of_every_detail_page_are_in_view(viewer_page: Page, studies: dict[str, list[int]]) -> None:
    page = viewer_page
    for slug in SLUGS:
        checked = 0
        for pk in studies[slug]:
            page.goto(f"/{slug}/{pk}/")
            found = page.evaluate(DOSE_COLUMNS_IN_VIEW)
            assert found["pageScroll"] <= found["width"], f"{slug} {pk}: the page scrolls sideways"
            for cell in found["cells"]:
                assert cell["scrolled"] == 0 and cell["left"] >= 0 and cell["right"] <= found["width"], (slug, pk, cell)
            checked += len(found["cells"])
        assert checked, f"no dose column on the {slug} detail pages"


def test_sticky_header_and_first_column_of_the_rf_events(viewer_page: Page, studies: dict[str, list[int]]) -> None:
    page = viewer_page
    pk = max(studies["rf"], key=lambda p: Study.objects.get(pk=p).number_of_events or 0)
    page.goto(f"/rf/{pk}/")
    scroller = page.locator("#rf-events").locator("xpath=..")
    scroller.evaluate("el => { el.scrollLeft = 2000; el.scrollTop = 400; }")
    box = scroller.bounding_box()
    first_header = page.locator("#rf-events thead th").first.bounding_box()
    first_cell = page.locator("#rf-events tbody tr td").first.bounding_box()
    assert box and first_header and first_cell
    assert abs(first_header["x"] - box["x"]) < 2 and abs(first_header["y"] - box["y"]) < 2  # stuck top-left
    assert abs(first_cell["x"] - box["x"]) < 2  # the first column stays in view


def test_column_chooser_is_kept_for_the_user(viewer_page: Page, studies: dict[str, list[int]],
                                             users: dict[str, Any], browser: Browser, live_server: Any) -> None:
    page = viewer_page
    page.goto("/rf/")
    assert page.locator("#study-table thead th[data-key=rp_dose]").count() == 1
    page.click("#column-chooser button")
    page.uncheck("#col-rp_dose")
    page.select_option("#dap-unit", "gycm2")
    with page.expect_navigation():
        page.click("#column-chooser button[type=submit]")
    assert page.locator("#study-table thead th[data-key=rp_dose]").count() == 0
    assert "Gy·cm²" in page.locator("#study-table thead th[data-key=dap]").inner_text()
    shot(page, "rf-list-columns-chosen")
    # a new browser (no local storage, no cookies but the login): still hidden, from the server
    page.context.clear_cookies()
    fresh = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    fresh.set_default_timeout(PATIENT_MS)
    try:
        from conftest import _login_cookie

        _login_cookie(fresh, users["viewgroup"], live_server.url)
        other = fresh.new_page()
        other.goto("/rf/")
        assert other.locator("#study-table thead th[data-key=rp_dose]").count() == 0
        assert other.locator("#col-rp_dose").is_checked() is False
    finally:
        fresh.close()
    assert DisplayPreference.objects.get(user=users["viewgroup"]).hidden("rf") == ["rp_dose"]


@pytest.fixture
def spanish(browser: Browser, live_server: Any, users: dict[str, Any]) -> Iterator[Callable[[str], Page]]:
    """``spanish(group)``: a page of a Spanish browser (Accept-Language es-ES), logged in as that group."""
    from conftest import _login_cookie

    ctx: BrowserContext = browser.new_context(base_url=live_server.url, locale="es-ES",
                                              viewport={"width": 1400, "height": 900}, reduced_motion="reduce")
    ctx.set_default_timeout(PATIENT_MS)

    def login(group: str) -> Page:
        _login_cookie(ctx, users[group], live_server.url)
        return ctx.new_page()

    yield login
    ctx.close()


def test_spanish_list_numbers(spanish: Callable[[str], Page], studies: dict[str, list[int]]) -> None:
    Study.objects.filter(pk=studies["ct"][0]).update(total_dlp=20000.4)
    page = spanish("viewgroup")
    page.goto("/ct/?o=-dlp")
    assert page.locator("html").get_attribute("lang") == "es"
    first_row = page.locator("#study-table tbody tr").first.inner_text()
    assert "20.000" in first_row and "20,000" not in first_row
    assert "DLP total" in page.locator("#study-table thead").inner_text()
    shot(page, "es-ct-list-20000")


def _results(page: Page) -> list[tuple[str, str]]:
    rows = page.locator("#upload-results tbody tr")
    return [(rows.nth(i).locator("td").nth(0).inner_text(), rows.nth(i).locator("td").nth(2).inner_text())
            for i in range(rows.count())]


def test_upload_files_zip_and_wrong_input(importqr_page: Page, sample: Callable[[str], Path], tmp_path: Path) -> None:
    page = importqr_page
    names = [n for names in SAMPLES.values() for n in names]
    extra = ["CT-ESR-GE_Optima.dcm", "CT-RDSR-GEPixelMed.dcm", "DX-Im-Carestream_DRX.dcm", "MG-RDSR-Hologic_mix.dcm",
             "RF-RDSR-GE.dcm", "RF-RDSR-Philips_Azurion.dcm", "PX-Im-NewTom_Go.dcm", "CT-RDSR-Toshiba_DoseCheck.dcm",
             "NM-PetIm-Siemens-2.dcm"]
    twenty = (names + extra)[:20]
    assert len(set(twenty)) == 20
    page.goto("/import/")
    assert page.locator("nav a[href='/import/']").count() == 1  # in the menu of users with import rights
    page.set_input_files("#upload-files", [str(sample(n)) for n in twenty])
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    lines = _results(page)
    assert [n for n, _ in lines] == twenty and all(result.strip() for _, result in lines)
    shot(page, "import-20-files")

    archive = tmp_path / "studies.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for n in ("RF-RDSR-Siemens-Zee_adjusted.dcm", "DX-Im-GE_XR220-2.dcm"):
            z.write(sample(n), n)
    text = tmp_path / "notes.txt"
    text.write_text("this is not DICOM\n" * 10)
    page.set_input_files("#upload-files", [str(archive), str(text)])
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    lines = _results(page)
    assert [n for n, _ in lines] == ["studies.zip/RF-RDSR-Siemens-Zee_adjusted.dcm", "studies.zip/DX-Im-GE_XR220-2.dcm",
                                     "notes.txt"]
    assert "not a DICOM file" in lines[2][1] and lines[0][1].strip() and lines[1][1].strip()
    shot(page, "import-zip-and-text")


def _shoot_all(page: Page, studies: dict[str, list[int]], prefix: str) -> None:
    page.goto("/")
    assert_styled(page)
    shot(page, f"{prefix}-home")
    for slug in SLUGS:
        page.goto(f"/{slug}/")
        assert sorted(row_pks(page, slug)) == studies[slug]
        shot(page, f"{prefix}-{slug}-list")
        for pk in studies[slug]:
            response = page.goto(f"/{slug}/{pk}/")
            assert response is not None and response.status == 200
            shot(page, f"{prefix}-{slug}-detail-{pk}")


def test_screenshots_in_english_and_spanish(pid_page: Page, spanish: Callable[[str], Page],
                                            studies: dict[str, list[int]]) -> None:
    _shoot_all(pid_page, studies, "en")
    es = spanish("pidgroup")
    _shoot_all(es, studies, "es")
    es.goto("/nosuch/1/")
    assert "Página no encontrada" in es.locator("main").inner_text()
    shot(es, "es-404")
    pid_page.goto("/config/display-names/edit/")
    assert "Not allowed" in pid_page.locator("main").inner_text()
    shot(pid_page, "en-403")
    pid_page.goto("/help/api/")
    assert "2.0.0a1" in pid_page.locator("#api-version").inner_text()
    shot(pid_page, "en-api-docs")
