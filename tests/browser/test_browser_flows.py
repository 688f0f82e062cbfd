"""The user flows of the web interface, clicked through in Chromium: log in, filter, open a study,
delete a study (admins only), CSRF protection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from browser_support import PASSWORD, assert_styled, row_pks, shot
from django.urls import reverse

from openrem.dose.models import Study

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


# every form of a page carries a token (the navbar's logout form too): remove them all
REMOVE_TOKENS = "document.querySelectorAll('input[name=csrfmiddlewaretoken]').forEach(e => e.remove())"


def _row(page: Page, slug: str, pk: int) -> Locator:
    """The list table row of study ``pk``."""
    link = page.locator(f"a[href$='/{slug}/{pk}/']")
    return page.locator("#study-table tbody tr", has=link)


def test_login_through_the_form(page: Page, users: dict[str, Any]) -> None:
    response = page.goto("/")
    assert response is not None and "/login/" in page.url  # anonymous users are sent to the login form
    assert_styled(page)

    page.fill("#id_username", "user-viewgroup")
    page.fill("#id_password", "wrong password")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert page.locator(".alert-danger").is_visible()
    shot(page, "login-failed")

    page.fill("#id_username", "user-viewgroup")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert urlparse(page.url).path == "/"  # the ``next`` of the login form: home
    user_menu = page.locator("nav").get_by_role("button", name="user-viewgroup")
    assert user_menu.is_visible()  # the navbar shows who is logged in
    assert_styled(page)
    shot(page, "home-after-login")

    # log out through the menu (a POST form with its CSRF token)
    user_menu.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    assert "/login/" in page.url


def test_filter_the_ct_list(viewer_page: Page, studies: dict[str, list[int]]) -> None:
    page = viewer_page
    page.goto("/ct/")
    before = row_pks(page, "ct")
    assert sorted(before) == studies["ct"] and len(before) >= 2

    page.fill("#id_manufacturer", "siemens")
    with page.expect_navigation():
        page.click("#filters button[type=submit]")
    assert "manufacturer=siemens" in page.url
    after = row_pks(page, "ct")
    expected = set(Study.objects.filter(modality_type="CT", equipment__manufacturer__icontains="siemens")
                   .values_list("pk", flat=True))
    assert expected and len(expected) < len(before)
    assert set(after) == expected, "the rows shown are exactly the studies made by Siemens"
    assert page.input_value("#id_manufacturer") == "siemens"  # the form keeps the filter
    shot(page, "ct-list-filtered")

    # open a study from the filtered list
    target = after[0]
    _row(page, "ct", target).locator("td:first-child a").click()
    page.wait_for_url(f"**/ct/{target}/")
    study = Study.objects.select_related("equipment").get(pk=target)
    text = page.locator("main").inner_text()
    assert study.equipment.display_name in text
    if study.accession_number:
        assert study.accession_number in text
    assert_styled(page)
    shot(page, "ct-detail-from-list")

    # an invalid filter value gives no rows and an error, not a crash
    page.goto("/ct/?age_min=abc")
    assert row_pks(page, "ct") == []
    assert page.locator("#filters .alert-danger").is_visible()


def test_admin_deletes_a_study(admin_page: Page, studies: dict[str, list[int]]) -> None:
    page = admin_page
    page.goto("/ct/")
    target = row_pks(page, "ct")[0]
    others = [pk for pk in studies["ct"] if pk != target]

    _row(page, "ct", target).get_by_role("link", name="Delete").click()
    page.wait_for_url(f"**{reverse('study_delete', args=[target])}")
    assert_styled(page)
    shot(page, "study-delete-confirm")

    with page.expect_navigation():
        page.click("#confirm-delete")
    assert page.url.endswith("/ct/")
    assert page.locator(".alert-success").is_visible()
    assert target not in row_pks(page, "ct")
    assert sorted(row_pks(page, "ct")) == others
    assert not Study.objects.filter(pk=target).exists()
    shot(page, "ct-list-after-delete")


def test_viewer_sees_no_delete_button_and_gets_403(viewer_page: Page, studies: dict[str, list[int]]) -> None:
    page = viewer_page
    target = studies["ct"][0]
    page.goto("/ct/")
    assert row_pks(page, "ct")
    assert page.locator("main a[href*='/delete/']").count() == 0
    assert page.get_by_role("link", name="Delete").count() == 0

    page.goto(f"/ct/{target}/")
    assert page.locator("main a[href*='/delete/']").count() == 0

    response = page.goto(reverse("study_delete", args=[target]))
    assert response is not None and response.status == 403
    shot(page, "viewer-delete-forbidden")
    post = page.request.post(reverse("study_delete", args=[target]), max_redirects=0)
    assert post.status == 403
    assert Study.objects.filter(pk=target).exists()


def test_post_without_csrf_token_is_refused(admin_page: Page, studies: dict[str, list[int]]) -> None:
    page = admin_page
    target = studies["ct"][0]
    url = reverse("study_delete", args=[target])

    # the confirmation form, submitted by the browser after its token was removed
    page.goto(url)
    page.evaluate(REMOVE_TOKENS)
    assert page.locator("form:has(#confirm-delete) input[name=csrfmiddlewaretoken]").count() == 0
    with page.expect_navigation() as nav:
        page.click("#confirm-delete")
    response = nav.value
    assert response is not None and response.status == 403
    assert "CSRF" in page.content()
    shot(page, "csrf-refused")

    # the same POST from the session's cookies, without any token
    post = page.request.post(url, max_redirects=0)
    assert post.status == 403
    assert Study.objects.filter(pk=target).exists()


def test_login_post_without_csrf_token_is_refused(page: Page, users: dict[str, Any]) -> None:
    page.goto("/login/")
    page.evaluate(REMOVE_TOKENS)
    page.fill("#id_username", "user-viewgroup")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation() as nav:
        page.click("form button[type=submit]")
    assert nav.value is not None and nav.value.status == 403
    assert page.goto("/") is not None and "/login/" in page.url  # not logged in
