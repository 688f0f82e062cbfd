"""The display layer: units, significant figures, locale separators, readable names; list preferences."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from openrem.dose.models import Study
from openrem.modalities import units as u
from openrem.modalities.registry import MODALITIES
from openrem.web import humanize
from openrem.web.filtering import filtered_studies
from openrem.web.models import DisplayPreference

SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


@pytest.mark.parametrize(("value", "digits", "en", "es"), [
    (20000.4, 4, "20,000", "20.000"),
    (143.3333, 4, "143.3", "143,3"),
    (0.00014, 4, "0.0001400", "0,0001400"),
    (1.4e-12, 4, "0", "0"),
    (9.99996, 4, "10.00", "10,00"),
    (-0.00000000001, 3, "0", "0"),
    (1234567, 4, "1,234,567", "1.234.567"),
    (3.0, 3, "3.00", "3,00"),
])
def test_format_number_for_language(value: float, digits: int, en: str, es: str) -> None:
    assert u.format_number(value, digits, "en") == en
    assert u.format_number(value, digits, "es") == es
    assert not SCIENTIFIC.search(u.format_number(value, digits, "en"))


def test_quantities_convert_from_stored_units() -> None:
    # dose at RP stored in Gy, shown in mGy; DAP stored in Gy·m², shown in cGy·cm² or the user's unit
    assert u.format_quantity(1.4e-4, "rp_dose", language="en") == "0.1400"
    assert u.format_quantity(0.0012, "dap", language="en", unit=True) == "1,200 cGy·cm²"
    assert u.format_quantity(0.0012, "dap", "gycm2", language="en", unit=True) == "12.00 Gy·cm²"
    assert u.format_quantity(0.0012, "dap", "mgycm2", language="en", unit=True) == "12,000 mGy·cm²"
    assert u.format_quantity(0.0012, "dap", "ugym2", language="en", unit=True) == "1,200 µGy·m²"
    assert u.format_quantity(220300.0, "time_ms", language="en") == "220.3"
    assert u.format_quantity(None, "dlp") == "—"


def test_dates_for_language() -> None:
    when = dt.datetime(2024, 1, 31, 14, 5, 9)
    assert u.format_date(when, 1, "es") == "31/01/2024 14:05"
    assert u.format_date(when, 2, "en") == "2024-01-31 14:05:09"
    assert u.format_date(when.date(), 0, "es") == "31/01/2024"


@pytest.mark.parametrize(("raw", "shown"), [
    ("^18^Fluorine", "18F"), ("^99m^Technetium", "99mTc"), ("Fluorodeoxyglucose F^18^", "Fluorodeoxyglucose 18F"),
    ("Technetium Tc^99m^ medronate", "Technetium 99mTc medronate"), ("", ""),
])
def test_nuclides(raw: str, shown: str) -> None:
    assert humanize.nuclide(raw) == shown


@pytest.mark.parametrize(("raw", "shown"), [
    ("Dr^Williams", "Dr Williams"), ("Smith^John^^Dr", "Smith John Dr"), ("Yamada^Tarou=山田^太郎", "Yamada Tarou"),
    (None, ""), ("A^B\\C^D", "A B; C D"),
])
def test_person_names(raw: str | None, shown: str) -> None:
    assert humanize.person_name(raw) == shown


def test_vendor_fixes_in_words() -> None:
    assert humanize.vendor_fix("siemens_artis_ii_field_size").startswith("The Siemens Artis")
    assert "_" not in humanize.vendor_fix("an_unknown_fix")
    with translation.override("es"):
        assert humanize.vendor_fix("aluminium_spelling").startswith("Se normalizó")


# ----------------------------------------------------------------------------- the list page


def test_filter_labels_carry_units(viewer: Client) -> None:
    html = viewer.get("/rf/").content.decode()
    assert "Min study DAP (cGy·cm²)" in html
    assert "Min administered activity (MBq)" in viewer.get("/nm/").content.decode()
    assert "Min study DLP (mGy·cm)" in viewer.get("/ct/").content.decode()


def test_empty_parameters_are_dropped(viewer: Client) -> None:
    response = viewer.get("/ct/?date_from=&study_description=chest&dlp_min=&o=-dlp")
    assert response.status_code == 302
    assert response["Location"] == "/ct/?study_description=chest&o=-dlp"
    assert viewer.get("/ct/?dlp_min=").headers["Location"] == "/ct/"


def test_invalid_filter_names_the_field(viewer: Client) -> None:
    html = viewer.get("/ct/?dlp_min=lots").content.decode()
    errors = re.search(r'id="filter-errors".*?</div>', html, re.S)
    assert errors and "Min study DLP (mGy·cm)" in errors.group(0)


def test_column_chooser_is_kept_per_user(viewer: Client, group_users: dict[str, User], studies: dict[str, int]) -> None:
    response = viewer.post(reverse("study_list_columns", args=["rf"]),
                           {"columns": ["dap", "display_name"], "dap_unit": "gycm2", "next": "/rf/?o=-dap"})
    assert response.status_code == 302 and response["Location"] == "/rf/?o=-dap"
    pref = DisplayPreference.objects.get(user=group_users["viewgroup"])
    assert "rp_dose" in pref.hidden("rf") and "dap" not in pref.hidden("rf")
    html = viewer.get("/rf/").content.decode()
    headings = re.findall(r'<th data-key="(\w+)"', html)
    assert headings == ["date", "dap", "display_name"]
    assert "Gy·cm²" in html and "cGy·cm²" not in html.split('id="study-table"')[1]
    other = Client()
    other.force_login(group_users["pidgroup"])
    assert "rp_dose" in re.findall(r'<th data-key="(\w+)"', other.get("/rf/").content.decode())


def test_dap_filter_in_the_users_unit(viewer: Client, group_users: dict[str, User], studies: dict[str, int]) -> None:
    dap = Study.objects.get(pk=studies["rf"]).total_dap
    assert dap
    viewer.post(reverse("study_list_columns", args=["rf"]), {"columns": ["dap"], "dap_unit": "gycm2"})
    above_gycm2 = dap * 1e4 * 1.01  # just above the study in Gy·cm²: excluded
    below_gycm2 = dap * 1e4 * 0.99
    assert f"/rf/{studies['rf']}/" not in viewer.get(f"/rf/?dap_min={above_gycm2}").content.decode()
    assert f"/rf/{studies['rf']}/" in viewer.get(f"/rf/?dap_min={below_gycm2}").content.decode()
    # exports and charts of the list read its filters in the user's unit too
    qs, _ = filtered_studies(MODALITIES["rf"], group_users["viewgroup"], {"dap_min": str(above_gycm2)})
    assert not qs.filter(pk=studies["rf"]).exists()
    # the API keeps its documented units (cGy·cm² for DAP filters) whatever the user chose
    assert viewer.get(f"/api/rf/studies/?dap_min={dap * 1e6 * 0.99}").json()["count"] == 1


def test_redirect_after_preferences_stays_on_site(viewer: Client) -> None:
    response = viewer.post(reverse("study_list_columns", args=["ct"]), {"columns": [], "next": "https://evil.example/"})
    assert response["Location"] == "/ct/"


def test_key_dose_columns_first(viewer: Client, studies: dict[str, Any]) -> None:
    for slug, first_dose in (("ct", "dlp"), ("rf", "dap"), ("mg", "agd_left"), ("dx", "dap"), ("nm", "activity")):
        headings = re.findall(r'<th data-key="(\w+)"', viewer.get(f"/{slug}/").content.decode())
        assert headings[:2] == ["date", first_dose], slug


def test_spanish_list_numbers(viewer: Client, studies: dict[str, int]) -> None:
    Study.objects.filter(pk=studies["ct"]).update(total_dlp=20000.4)
    html = viewer.get("/ct/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert ">20.000<" in html
    html = viewer.get("/ct/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">20,000<" in html
