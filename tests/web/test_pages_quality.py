"""Home page rows and workload, error pages, favicon, the API reference page, the first-run banner."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone, translation
from test_list import make_ct

from openrem.dose.models import HomePageAdminSettings, Study, UniqueEquipment


def test_home_one_row_per_display_name_with_workload(viewer: Client, db: Any) -> None:
    today = timezone.localdate()
    pks = [make_ct(1, "CT Head", today - dt.timedelta(days=2), (10.0,), station="A"),
           make_ct(2, "CT Head", today - dt.timedelta(days=20), (10.0,), station="B"),
           make_ct(3, "CT Head", today - dt.timedelta(days=200), (10.0,), station="B")]
    equipment = {Study.objects.get(pk=pk).equipment_id for pk in pks}
    assert len(equipment) == 2
    UniqueEquipment.objects.filter(pk__in=equipment).update(display_name="Shared name")
    settings = HomePageAdminSettings.get()
    settings.enable_workload_stats = True
    settings.save()
    html = viewer.get("/").content.decode()
    pane = html.split('id="tab-ct"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td><a [^>]*>([^<]*)</a></td>(.*?)</tr>", pane, re.S)
    assert [name for name, _ in rows] == ["Shared name"]
    numbers = re.findall(r'>(\d+)</(?:td|a)>', rows[0][1])
    assert numbers == ["3", "1", "2"]  # all studies, last 7 days, last 28 days
    link = re.search(r'href="(/ct/\?display_name=Shared%20name&amp;date_from=[^"]+)"', rows[0][1])
    assert link
    listed = viewer.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert len(re.findall(r'<td><a href="/ct/\d+/">', listed)) == 1  # the 7-day link lists what it counts


def test_error_pages_have_the_menu_and_a_reason(viewer: Client, group_users: dict[str, User]) -> None:
    response = viewer.get("/no-such-modality/")
    html = response.content.decode()
    assert response.status_code == 404 and 'id="error-page"' in html and "navbar" in html
    assert "There is no page at this address" in html
    response = viewer.get("/config/display-names/edit/")
    assert response.status_code == 403 and "not in a group that may open this page" in response.content.decode()
    spanish = viewer.get("/nosuch/1/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Página no encontrada" in spanish


def test_server_error_page(rf: Any, group_users: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    from openrem.web.views import errors

    request = rf.get("/")
    request.user = group_users["viewgroup"]
    with translation.override("en"):
        response = errors.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500 and "Something went wrong on the server" in html and "navbar" in html

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("database gone")

    monkeypatch.setattr(errors.loader, "render_to_string", broken)  # the page itself cannot be drawn
    with translation.override("en"):
        response = errors.server_error(request)
    assert response.status_code == 500 and response["Content-Type"].startswith("text/plain")
    assert b"Something went wrong" in response.content


def test_favicon_and_api_reference(viewer: Client) -> None:
    html = viewer.get("/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
    assert 'href="/help/api/"' in html
    docs = viewer.get("/help/api/").content.decode()
    from importlib import metadata

    assert metadata.version("openrem") in docs and "dev0" not in metadata.version("openrem")
    assert "/api/{slug}/studies/" in docs and "total_dap_gym2" in docs and "Gy·m²" in docs
    assert "cdn" not in docs.lower() and "<script src=\"http" not in docs


def test_first_run_banner_explains_and_goes_away(db: Any) -> None:
    admin = User.objects.create(username="root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    html = client.get("/").content.decode()
    assert 'id="first-run"' in html and "add their groups and save" in html
    User.objects.create(username="reader").groups.add(Group.objects.get_or_create(name="viewgroup")[0])
    assert 'id="first-run"' not in client.get("/").content.decode()
