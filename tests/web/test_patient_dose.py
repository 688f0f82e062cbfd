"""Effective dose estimates summed per patient over a period: sums, date range, permissions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openrem.dose.models import Study, UniqueEquipment
from openrem.modalities.units import format_number

pytestmark = pytest.mark.django_db
URL = reverse("patient_dose")


@pytest.fixture
def pid_client(group_users: dict[str, User]) -> Client:
    client = Client()
    client.force_login(group_users["pidgroup"])
    return client


def _study(pid: str | None, day: dt.date, msv: float | None, hashed: bool = False) -> Study:
    room, _ = UniqueEquipment.objects.get_or_create(identity_hash="p" * 40, fields_hash="p" * 40,
                                                    display_name="Room P")
    return Study.objects.create(study_instance_uid=f"1.2.{Study.objects.count() + 1}", source_kind="test",
                                modality_type="CT", study_date=day, patient_id=pid, patient_id_hashed=hashed,
                                equipment=room, effective_dose_estimate_msv=msv)


def _rows(page: str) -> dict[str, list[str]]:
    """Patient ID -> the cell texts of its row."""
    body = page.split('id="patient-dose"', 1)[1].split("</tbody>", 1)[0]
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        out[re.search(r'class="pid">([^<]*)<', row).group(1)] = cells  # type: ignore[union-attr]
    return out


def test_sums_per_patient_by_hand(pid_client: Client) -> None:
    today = timezone.localdate()
    a_doses = [4.5, 12.25, None, 0.75]
    for i, msv in enumerate(a_doses):
        _study("PAT-A", today - dt.timedelta(days=10 * i), msv)
    for i, msv in enumerate([30.0, 1.5]):
        _study("PAT-B", today - dt.timedelta(days=3 + i), msv)
    _study("PAT-C", today, None)  # no estimate at all: listed last (NULL sum), not first
    _study(None, today, 99.0)  # no stored ID: cannot be attributed
    page = pid_client.get(URL).content.decode()
    rows = _rows(page)
    assert list(rows) == ["PAT-B", "PAT-A", "PAT-C"]  # highest sum first
    assert rows["PAT-A"][1:] == ["4", "3", "1", format_number(4.5 + 12.25 + 0.75)]
    assert rows["PAT-A"][4] == "17.50"  # 4 significant figures
    assert rows["PAT-B"][1:] == ["2", "2", "0", format_number(31.5)]
    assert rows["PAT-C"][1:] == ["1", "0", "1", format_number(None)]
    assert "population-average estimates, not patient dose" in page
    assert "Studies without an estimate are not in the sum" in page


def test_date_range(pid_client: Client) -> None:
    today = timezone.localdate()
    _study("PAT-A", dt.date(2023, 1, 10), 5.0)
    _study("PAT-A", dt.date(2023, 2, 10), 7.0)
    _study("PAT-A", dt.date(2023, 3, 10), 11.0)
    _study("PAT-B", today - dt.timedelta(days=400), 20.0)  # before the default 12 months
    _study("PAT-B", today - dt.timedelta(days=30), 2.0)
    rows = _rows(pid_client.get(URL, {"date_from": "2023-02-01", "date_to": "2023-03-10"}).content.decode())
    assert list(rows) == ["PAT-A"]
    assert rows["PAT-A"][1:] == ["2", "2", "0", "18.00"]
    rows = _rows(pid_client.get(URL).content.decode())  # default: the last 12 months
    assert list(rows) == ["PAT-B"]
    assert rows["PAT-B"][1:] == ["1", "1", "0", "2.000"]


def test_hashed_id_shown_as_stored(pid_client: Client) -> None:
    digest = "ab" * 32
    _study(digest, timezone.localdate(), 3.0, hashed=True)
    rows = _rows(pid_client.get(URL).content.decode())
    assert list(rows) == [digest]
    assert rows[digest][0].endswith("hashed")


def test_non_pidgroup_users_get_403(group_users: dict[str, User]) -> None:
    for name in ("viewgroup", "exportgroup", "admingroup"):
        client = Client()
        client.force_login(group_users[name])
        assert client.get(URL).status_code == 403, name
        assert reverse("patient_dose") not in client.get(reverse("home")).content.decode()


def test_anonymous_redirected_to_login() -> None:
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_menu_link_for_pidgroup(pid_client: Client) -> None:
    assert f'href="{URL}"' in pid_client.get(reverse("home")).content.decode()
