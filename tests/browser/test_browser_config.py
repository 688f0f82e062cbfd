"""Configuration flows in Chromium: change a system's display name, add a not-patient pattern.

URL names used (``openrem/web/config_urls.py``): ``config_display_names``, ``config_display_names_edit``
(systems selected with ``pk`` query parameters), ``config_not_patient``, ``config_not_patient_add``.
Form fields: ``display_name`` (EquipmentEditForm), ``field`` and ``pattern`` (NotPatientIndicatorForm).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from browser_support import assert_styled, row_pks, shot
from django.urls import reverse

from openrem.dose.models import NotPatientIndicator, Study, UniqueEquipment

if TYPE_CHECKING:
    from playwright.sync_api import Page

NEW_NAME = "Browser Test Scanner"
PATTERN = "*phantom*"


def _submit(page: Page, field: str) -> None:
    """Submit the form that holds the input named ``field`` (not the navbar's logout form)."""
    with page.expect_navigation():
        page.locator(f"form:has([name={field}]) [type=submit]").first.click()


def _open_edit_page(page: Page, equipment_pk: int) -> None:
    """From the display names page to the edit page of one system: tick its checkbox, press Edit."""
    edit = reverse("config_display_names_edit")
    page.check(f"input[name=pk][value='{equipment_pk}']")
    with page.expect_navigation():
        page.locator(f"form[action='{edit}'] [type=submit]").first.click()
    page.wait_for_url(f"**{edit}?*pk={equipment_pk}*")


def test_admin_changes_a_display_name(admin_page: Page, studies: dict[str, list[int]]) -> None:
    page = admin_page
    study = Study.objects.select_related("equipment").get(pk=studies["ct"][0])
    equipment = study.equipment
    old_name = equipment.display_name

    response = page.goto(reverse("config_display_names"))
    assert response is not None and response.status == 200
    assert_styled(page)
    assert old_name in page.locator("main").inner_text()
    shot(page, "config-display-names")

    _open_edit_page(page, equipment.pk)
    assert_styled(page)
    page.fill("[name=display_name]", NEW_NAME)
    shot(page, "config-display-name-edit")
    _submit(page, "display_name")

    assert page.url.endswith(reverse("config_display_names"))
    assert page.locator(".alert-success").is_visible()
    assert NEW_NAME in page.locator("main").inner_text()
    equipment.refresh_from_db()
    assert equipment.display_name == NEW_NAME
    shot(page, "config-display-names-after-edit")

    # the study lists show the new name, and filter on it
    page.goto(f"/ct/?display_name={NEW_NAME.replace(' ', '+')}")
    assert row_pks(page, "ct") == list(
        Study.objects.filter(equipment=equipment, modality_type="CT").order_by("-study_datetime", "-pk")
        .values_list("pk", flat=True))
    assert NEW_NAME in page.locator("#study-table tbody").inner_text()
    assert old_name not in page.locator("#study-table tbody").inner_text()
    shot(page, "ct-list-renamed")
    # the other systems keep their names
    assert UniqueEquipment.objects.exclude(pk=equipment.pk).filter(display_name=NEW_NAME).count() == 0


def test_admin_adds_a_not_patient_pattern(admin_page: Page, studies: dict[str, list[int]]) -> None:
    page = admin_page
    response = page.goto(reverse("config_not_patient"))
    assert response is not None and response.status == 200
    assert_styled(page)
    shot(page, "config-not-patient")

    add = reverse("config_not_patient_add")
    page.locator(f"main a[href='{add}?field=name']").click()  # "Add name pattern"
    page.wait_for_url(f"**{add}?field=name")
    assert_styled(page)
    assert page.input_value("select[name=field]") == NotPatientIndicator.NAME  # preselected
    page.fill("[name=pattern]", PATTERN)
    shot(page, "config-not-patient-add")
    _submit(page, "pattern")

    assert page.url.endswith(reverse("config_not_patient"))
    assert page.locator(".alert-success").is_visible()
    assert PATTERN in page.locator("main").inner_text()
    assert NotPatientIndicator.objects.filter(field=NotPatientIndicator.NAME, pattern=PATTERN).exists()
    shot(page, "config-not-patient-after-add")

    # the same pattern again is refused with a form error, not stored twice
    page.goto(add)
    page.select_option("select[name=field]", NotPatientIndicator.NAME)
    page.fill("[name=pattern]", PATTERN)
    _submit(page, "pattern")
    assert NotPatientIndicator.objects.filter(field=NotPatientIndicator.NAME, pattern=PATTERN).count() == 1
    assert "/not-patient/add/" in page.url


def test_viewer_cannot_change_configuration(viewer_page: Page, studies: dict[str, list[int]]) -> None:
    page = viewer_page
    equipment_pk = Study.objects.get(pk=studies["ct"][0]).equipment_id
    response = page.goto(f"{reverse('config_display_names_edit')}?pk={equipment_pk}")
    assert response is not None and response.status == 403
    response = page.goto(reverse("config_not_patient_add"))
    assert response is not None and response.status == 403
    post = page.request.post(reverse("config_not_patient_add"), form={"field": "name", "pattern": "x*"},
                             max_redirects=0)
    assert post.status == 403
    assert not NotPatientIndicator.objects.filter(pattern="x*").exists()
