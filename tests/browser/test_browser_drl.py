"""DRL pages in the browser on the generated demo CT studies (``openrem demo``'s generator): the
comparison page against the UK adult CT NDRLs, a chart with its DRL line, and a local DRL stored as a
set by an administrator (screenshots kept)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from browser_support import shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

# demo study description -> (standard study name, UK NDRL examination)
MAPPING = {"CT Head Routine": ("Head", "Head"), "CT Chest Routine": ("Chest", "Chest"),
           "CT Abdomen Pelvis": ("Abdomen pelvis", "Abdomen pelvis"),
           "CT Chest Abdomen Pelvis": ("Chest abdomen pelvis", "Chest abdomen pelvis")}


@pytest.fixture
def demo_ct(transactional_db: Any, tmp_path: Path) -> dict[str, Any]:
    """The demo generator's CT studies, their descriptions mapped to standard names and UK NDRL exams."""
    from openrem.dicom import synth
    from openrem.dose.models import StandardName, Study
    from openrem.dose.services import import_file
    from openrem.drl.models import DrlExamMapping, DrlSet

    for path in synth.generate("CT", 40, seed=2024, out_dir=tmp_path / "CT"):
        import_file(path)
    from openrem.drl.library import preloaded_sets, store_set

    for parsed in preloaded_sets():  # a transactional test database is flushed after each test
        if not DrlSet.objects.filter(name=parsed.name, version=parsed.version).exists():
            store_set(parsed)
    uk = DrlSet.objects.get(name="UK NDRL adult CT", version="2024")
    descriptions = set(Study.objects.filter(modality_type="CT").values_list("study_description", flat=True))
    mapped = 0
    for description, (name, exam) in MAPPING.items():
        if description in descriptions:
            StandardName.objects.create(standard_name=name, modality="CT", study_description=description)
            DrlExamMapping.objects.get_or_create(drl_set=uk, exam=exam, standard_name=name)
            mapped += 1
    assert mapped >= 2, descriptions
    return {"set": uk, "descriptions": descriptions}


def test_comparison_page_on_demo_data(viewer_page: Page, demo_ct: dict[str, Any]) -> None:
    from openrem.drl.compare import compare

    uk = demo_ct["set"]
    page = viewer_page
    page.goto(f"/drl/compare/?set={uk.pk}&quantity=dlp&standard_size=0&min_studies=2")
    expected = compare(uk, "dlp", min_studies_per_room=2)
    sections = page.locator("section.drl-exam")
    assert sections.count() == len(expected) >= 2
    for exam in expected:
        section = page.locator(f'section.drl-exam[data-exam="{exam.exam}"]')
        rows = section.locator("table.drl-table tbody tr")
        assert rows.count() == len(exam.rows)
        first = rows.first.locator("td").all_text_contents()
        assert first[0] == exam.rows[0].system and int(first[1]) == exam.rows[0].n_studies
        assert first[4] == f"{exam.rows[0].ratio:.2f}"
        assert "minimum values per system: 2; minimum systems: 1" in section.locator(".local-drl").text_content()
    shot(page, "drl-compare")
    page.select_option("#id_quantity", "ctdivol")
    page.locator("#drl-form button[type=submit]").click()
    page.wait_for_url("**quantity=ctdivol**")
    assert "CTDIvol per sequence or exposure" in page.locator("h2").first.text_content()
    shot(page, "drl-compare-ctdivol")


def test_chart_with_its_drl_line(viewer_page: Page, users: dict[str, Any], demo_ct: dict[str, Any]) -> None:
    from openrem.charts.options import ChartOptions, ModalityOptions, save_options

    save_options(users["viewgroup"], ChartOptions(averages=["median"], modalities={
        "ct": ModalityOptions(charts=["standard_study_name_dlp"])}))
    page = viewer_page
    page.goto("/ct/", wait_until="domcontentloaded", timeout=60_000)
    page.wait_for_selector("#chart-grid[data-loaded=true]", timeout=90_000)
    data = page.request.get("/api/charts/ct/standard_study_name_dlp/").json()
    assert data["drl"]["set"]["label"] == "UK NDRL adult CT (2024)" and data["drl"]["values"]
    card = page.locator('.chart-card[data-chart="standard_study_name_dlp"][data-variant="median"]')
    assert card.get_attribute("data-drl") == "DRL UK NDRL adult CT (2024)"
    assert "DRL UK NDRL adult CT (2024)" in (card.locator(".legend").text_content() or "")
    traces = card.locator(".chart-plot").evaluate("p => p.data.filter(t => t.name.startsWith('DRL')).map(t => t.y)")
    assert sorted(traces[0]) == sorted(v["value"] for v in data["drl"]["values"])
    drl_rows = card.locator("table.chart-drl-table tbody tr")
    assert drl_rows.count() == len(data["drl"]["values"])
    shot(page, "drl-chart-line")


def test_local_drl_stored_as_a_set(admin_page: Page, demo_ct: dict[str, Any]) -> None:
    from openrem.drl.models import DrlSet

    uk = demo_ct["set"]
    page = admin_page
    page.goto(f"/drl/compare/?set={uk.pk}&quantity=dlp&standard_size=0&min_studies=2")
    local = page.locator(".local-drl strong")
    n_local = local.count()
    assert n_local >= 1 and "mGy.cm" in (local.first.text_content() or "")
    shot(page, "drl-local")
    page.fill("#id_name", "Local CT from demo")
    page.fill("#id_version", "demo-1")
    page.locator("#drl-export button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    stored = DrlSet.objects.get(name="Local CT from demo", version="demo-1")
    assert stored.is_local and stored.values.count() == n_local
    assert "Local CT from demo (demo-1)" in page.locator(".alert-success").text_content()
    shot(page, "drl-local-stored")
