"""Every main page renders in Chromium with Bootstrap applied; a screenshot of each is kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from browser_support import MODALITY_TYPES, assert_styled, row_pks, shot

from openrem.dose.models import Study

if TYPE_CHECKING:
    from playwright.sync_api import Page

SLUGS = tuple(MODALITY_TYPES)


def test_home_lists_every_modality(viewer_page: Page, studies: dict[str, list[int]]) -> None:
    page = viewer_page
    response = page.goto("/")
    assert response is not None and response.status == 200
    assert_styled(page)
    tabs = page.locator("[role=tablist] button")
    assert tabs.count() == len(SLUGS)
    total = sum(len(pks) for pks in studies.values())
    assert page.locator("h1").inner_text().startswith(f"{total} studies")
    # the tabs are Bootstrap JS: clicking the last one shows its pane
    tabs.last.click()
    page.wait_for_selector("#tab-nm.show.active")
    shot(page, "home")


def test_lists_and_details_of_every_modality(viewer_page: Page, studies: dict[str, list[int]]) -> None:
    page = viewer_page
    for slug in SLUGS:
        response = page.goto(f"/{slug}/")
        assert response is not None and response.status == 200, slug
        assert_styled(page)
        assert sorted(row_pks(page, slug)) == studies[slug], slug
        shot(page, f"{slug}-list")

        first = row_pks(page, slug)[0]
        page.locator("#study-table tbody tr td:first-child a").first.click()
        page.wait_for_url(f"**/{slug}/{first}/")
        study = Study.objects.select_related("equipment").get(pk=first)
        assert page.locator("h1").is_visible(), slug
        assert study.equipment.display_name in page.locator("main").inner_text(), slug
        assert_styled(page)
        shot(page, f"{slug}-detail")


def test_login_page_is_styled(page: Page, live_server: object) -> None:
    response = page.goto("/login/")
    assert response is not None and response.status == 200
    assert_styled(page)
    shot(page, "login")
