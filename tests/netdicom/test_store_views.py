"""The DICOM network page: listing, live status JSON, admin-only node changes with CSRF."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_net import SCP_AET, free_port  # noqa: E402

from openrem.netdicom.models import RemoteNode, StoreNode  # noqa: E402
from openrem.netdicom.storescp import StoreSCP  # noqa: E402


def _client(db: object, group: str) -> Client:
    user = User.objects.create(username=f"u-{group}")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def admin(db: object) -> Client:
    return _client(db, "admingroup")


@pytest.fixture
def viewer(db: object) -> Client:
    return _client(db, "viewgroup")


@pytest.fixture
def running(tmp_path: Path) -> Iterator[StoreSCP]:
    server = StoreSCP(SCP_AET, free_port(), "127.0.0.1", root=tmp_path)
    server.start()
    yield server
    server.stop()


def _csrf(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.cookies["csrftoken"].value)


@pytest.mark.django_db(transaction=True)
def test_viewer_sees_nodes_and_live_status(viewer: Client, running: StoreSCP) -> None:
    alive = StoreNode.objects.create(name="Live", aet=SCP_AET, host="0.0.0.0", port=running.port)
    dead = RemoteNode.objects.create(name="PACS", remote_aet="PACS", port=free_port(), ip="127.0.0.1",
                                     hostname="localhost")
    page = viewer.get("/dicom/").content.decode()
    assert "Live" in page and "PACS" in page and "localhost" in page and "dicom_store_add" not in page
    assert "/dicom/store/add/" not in page
    assert viewer.get(f"/dicom/store/{alive.pk}/status/").json()["status"] == "alive"
    # a node whose AE title differs from the running SCP's: the SCP rejects the association
    wrong = StoreNode.objects.create(name="Wrong AET", aet="OTHERAET", host="127.0.0.1", port=running.port)
    status = viewer.get(f"/dicom/store/{wrong.pk}/status/").json()
    assert status["status"] == "rejected: Called AE title not recognised" and not status["alive"]
    assert viewer.get(f"/dicom/remote/{dead.pk}/status/").json()["status"] == "association failed"
    assert viewer.post("/dicom/store/add/", {}).status_code == 403


@pytest.mark.django_db
def test_admin_adds_edits_and_deletes_nodes(admin: Client) -> None:
    token = _csrf(admin, "/dicom/store/add/")
    data = {"name": "Store", "aet": "OPENREMSTORE", "host": "0.0.0.0", "port": 8104, "enabled": "on"}
    assert admin.post("/dicom/store/add/", data).status_code == 403  # no CSRF token
    assert admin.post("/dicom/store/add/", {**data, "csrfmiddlewaretoken": token}).status_code == 302
    node = StoreNode.objects.get(name="Store")
    bad = {**data, "aet": "A" * 17, "csrfmiddlewaretoken": token}
    assert admin.post(f"/dicom/store/{node.pk}/", bad).status_code == 400
    assert admin.post(f"/dicom/store/{node.pk}/", {**bad, "aet": "WITH SPACE"}).status_code == 400
    assert admin.post(f"/dicom/store/{node.pk}/", {**data, "port": 11112, "csrfmiddlewaretoken": token}
                      ).status_code == 302
    node.refresh_from_db()
    assert node.port == 11112
    remote = {"name": "PACS", "remote_aet": "PACS", "our_aet": "OPENREM", "port": 104, "ip": "",
              "hostname": "", "csrfmiddlewaretoken": token}
    assert admin.post("/dicom/remote/add/", remote).status_code == 400  # neither IP nor hostname
    assert admin.post("/dicom/remote/add/", {**remote, "hostname": "pacs.example"}).status_code == 302
    pacs = RemoteNode.objects.get(name="PACS")
    assert pacs.address == "pacs.example"
    assert admin.get(f"/dicom/remote/{pacs.pk}/delete/").status_code == 200
    assert admin.post(f"/dicom/remote/{pacs.pk}/delete/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert admin.post(f"/dicom/store/{node.pk}/delete/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert not StoreNode.objects.exists() and not RemoteNode.objects.exists()
    page = admin.get("/dicom/").content.decode()
    assert "/dicom/store/add/" in page and "delete-settings" in page
