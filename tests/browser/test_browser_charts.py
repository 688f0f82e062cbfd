"""Charts on every modality list: default charts render without a JavaScript error, follow the list
filters, and their data tables hold the numbers of the chart API (screenshots kept)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browser_support import MODALITY_TYPES, shot

from openrem.modalities.registry import MODALITIES

if TYPE_CHECKING:
    from playwright.sync_api import Page

SLUGS = tuple(MODALITY_TYPES)
# a chart of each modality whose mean figure is compared with the API
CHECKED = {"ct": "study_description_dlp", "rf": "study_description_dap", "dx": "acquisition_protocol_dap",
           "mg": "acquisition_protocol_agd", "nm": "study_description_activity"}


def _wait(page: Page) -> None:
    page.wait_for_selector("#chart-grid[data-loaded=true]", timeout=90_000)


def _api(page: Page, path: str) -> Any:
    response = page.request.get(path)
    assert response.ok, (path, response.status)
    return response.json()


def _table(page: Page, chart_id: str, variant: str) -> list[list[str]]:
    card = page.locator(f'.chart-card[data-chart="{chart_id}"][data-variant="{variant}"]')
    return card.locator("table.chart-data-table tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.dataset.value ?? c.textContent))")


def test_default_charts_render_and_match_the_api(viewer_page: Page, studies: dict[str, list[int]]) -> None:
    for slug in SLUGS:
        _check_defaults(viewer_page, slug)


def _check_defaults(page: Page, slug: str) -> None:
    page.goto(f"/{slug}/", timeout=60_000, wait_until="domcontentloaded")
    _wait(page)
    modality = MODALITIES[slug]
    defaults = [c.id for c in modality.charts if c.default]
    for chart_id in defaults:
        cards = page.locator(f'.chart-card[data-chart="{chart_id}"]')
        assert cards.count() >= 1, chart_id
        assert page.locator(f'.chart-card[data-chart="{chart_id}"] .chart-error').count() == 0, chart_id
    checked = CHECKED[slug]
    data = _api(page, f"/api/charts/{slug}/{checked}/")
    assert data["rows"], f"{slug}: the sample studies give {checked} data"
    plot = page.locator(f'.chart-card[data-chart="{checked}"][data-variant="mean"] .chart-plot .main-svg')
    assert plot.count() >= 1
    scale = data["measure"]["display_scale"]
    expected = [[r["category"], r["system"] or "All systems", str(r["n"]), r["mean"] * scale] for r in data["rows"]]
    shown = _table(page, checked, "mean")
    assert [row[:3] for row in shown] == [row[:3] for row in expected]
    assert [float(row[3]) for row in shown] == pytest.approx([row[3] for row in expected])
    title = page.locator(f'.chart-card[data-chart="{checked}"][data-variant="mean"] .chart-plot .ytitle').text_content() or ""
    assert data["measure"]["display_unit"] in title  # unit in the axis title
    shot(page, f"{slug}-charts")


def test_filters_and_options_change_the_chart(viewer_page: Page, studies: dict[str, list[int]]) -> None:
    page = viewer_page
    page.goto("/ct/", timeout=60_000, wait_until="domcontentloaded")
    _wait(page)
    before = _table(page, "study_description_dlp", "mean")
    assert len(before) >= 2, before  # the CT samples have several study descriptions
    first = next(row[0] for row in before if row[0] != "Blank")
    page.fill("#id_study_description", first)
    page.locator("#filters button[type=submit]").click()
    page.wait_for_url("**/ct/?*", timeout=60_000)
    _wait(page)
    after = _table(page, "study_description_dlp", "mean")
    assert after and all(first.lower() in row[0].lower() for row in after) and len(after) < len(before)
    page.fill("#id_date_until", "1990-01-01")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_url("**date_until=1990-01-01*", timeout=60_000)
    _wait(page)
    assert page.locator('.chart-card[data-chart="study_description_dlp"] .chart-empty').count() == 1
    shot(page, "ct-charts-filtered-empty")
    _options(page)


def _options(page: Page) -> None:
    page.goto("/ct/", timeout=60_000, wait_until="domcontentloaded")
    _wait(page)
    page.get_by_role("button", name="Chart options").click()
    page.check("#id_histograms")
    page.select_option("#id_theme", "plotly_dark")
    page.locator("#chart-options-form button[type=submit]").click()
    page.wait_for_url("**/ct/", timeout=60_000)
    _wait(page)
    assert page.locator('.chart-card[data-chart="study_description_dlp"][data-variant="histogram"]').count() == 1
    bg = page.locator('.chart-card[data-chart="study_description_dlp"][data-variant="mean"] .main-svg').first
    assert "rgb(17, 17, 17)" in (bg.get_attribute("style") or "")
    with page.expect_download() as download:
        page.locator('.chart-card[data-chart="study_description_dlp"][data-variant="mean"] .chart-csv').click()
    csv = download.value
    assert csv.suggested_filename.startswith("OpenREM_ct_study_description_dlp_mean_")
    text = Path(csv.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("Category,System,n,Mean (mGy·cm)")
    shot(page, "ct-charts-options")


def test_numbers_of_older_data_are_shown_dated_then_replaced(viewer_page: Page,
                                                             studies: dict[str, list[int]]) -> None:
    """After the data changed, a chart first shows its stored numbers with the time of their data,
    then the current numbers replace them in place (the current request is held back here until the
    dated chart has been checked)."""
    from openrem.dose.models import Study

    page, chart = viewer_page, "study_description_dlp"
    page.goto("/ct/", timeout=60_000, wait_until="domcontentloaded")
    _wait(page)  # computed and stored for the current data
    before = _table(page, chart, "mean")
    Study.objects.filter(pk=studies["ct"][0]).update(study_description="Changed after the charts")
    held: list[Any] = []

    def hold_current_request(route: Any) -> None:
        if "stale=1" in route.request.url:
            route.continue_()
        else:
            held.append(route)

    page.route(f"**/api/charts/ct/{chart}/*", hold_current_request)
    page.goto("/ct/", timeout=60_000, wait_until="domcontentloaded")
    dated = page.locator(f'.chart-card[data-chart="{chart}"][data-current="false"] .chart-stale').first
    dated.wait_for(timeout=60_000)
    assert "changed since" in (dated.text_content() or "")
    assert _table(page, chart, "mean") == before
    shot(page, "ct-charts-dated")
    for _ in range(600):  # the current request of this chart follows the others' in turn
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the page did not ask for the current numbers"
    held[0].continue_()
    _wait(page)
    assert page.locator(f'.chart-card[data-chart="{chart}"][data-current="false"]').count() == 0
    after = _table(page, chart, "mean")
    assert "Changed after the charts" in [row[0] for row in after]
    data = _api(page, f"/api/charts/ct/{chart}/")
    assert data["current"] is True
    assert [row[0] for row in after] == [r["category"] for r in data["rows"]]
    page.unroute(f"**/api/charts/ct/{chart}/*")


def test_a_data_table_sorts_by_any_column(viewer_page: Page, studies: dict[str, list[int]]) -> None:
    page, chart = viewer_page, "study_description_dlp"
    page.goto("/ct/", timeout=60_000, wait_until="domcontentloaded")
    _wait(page)
    card = page.locator(f'.chart-card[data-chart="{chart}"][data-variant="mean"]')
    card.locator(".chart-table-toggle").click()
    shown = _table(page, chart, "mean")
    assert len(shown) >= 2, shown
    headers = card.locator("table.chart-data-table thead th")
    mean = headers.nth(3)
    mean.locator("button").click()
    assert mean.get_attribute("aria-sort") == "ascending"
    ascending = _table(page, chart, "mean")
    assert [float(r[3]) for r in ascending] == sorted(float(r[3]) for r in shown)
    mean.locator("button").click()
    assert mean.get_attribute("aria-sort") == "descending"
    assert [float(r[3]) for r in _table(page, chart, "mean")] == sorted((float(r[3]) for r in shown), reverse=True)
    headers.nth(0).locator("button").click()
    by_name = [r[0] for r in _table(page, chart, "mean")]
    assert by_name == page.evaluate("names => names.slice().sort((a, b) => a.localeCompare(b))", by_name)
    assert sorted(map(tuple, _table(page, chart, "mean"))) == sorted(map(tuple, shown))  # same rows, same numbers
    shot(page, "ct-charts-table-sorted")
