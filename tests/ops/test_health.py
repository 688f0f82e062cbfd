"""``/health``: database, task queue and store SCP state for monitoring."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pynetdicom import AE
from pynetdicom.sop_class import Verification  # type: ignore[attr-defined]

from openrem.netdicom.models import StoreNode
from support import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def echo_scp() -> Iterator[int]:
    """A real DICOM Verification SCP on a loopback port."""
    ae = AE(ae_title="HEALTHSCP")
    ae.add_supported_context(Verification)
    port = free_port()
    server = ae.start_server(("127.0.0.1", port), block=False)
    yield port
    server.shutdown()


def _signed_in() -> Client:
    client = Client()
    client.force_login(User.objects.create_user("ops"))
    return client


def test_healthy_system() -> None:
    response = Client().get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body == {"status": "ok", "database": {"ok": True}, "task_queue": {"ok": True}, "store_scp": []}


def test_store_scp_answering(echo_scp: int) -> None:
    StoreNode.objects.create(name="store", aet="HEALTHSCP", host="127.0.0.1", port=echo_scp)
    body: dict[str, Any] = _signed_in().get("/health").json()
    assert body["status"] == "ok"
    assert body["store_scp"] == [{"name": "store", "ok": True, "detail": "alive"}]
    assert body["database"]["ok"] and body["task_queue"]["ok"]


def test_store_scp_down_makes_the_system_unhealthy() -> None:
    StoreNode.objects.create(name="store", aet="HEALTHSCP", host="127.0.0.1", port=free_port())
    response = _signed_in().get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["store_scp"][0]["ok"] is False and body["store_scp"][0]["detail"]
    anonymous = Client().get("/health").json()  # monitoring tools see states, not details
    assert anonymous["store_scp"] == [{"ok": False}]


def test_disabled_store_scp_is_not_checked() -> None:
    StoreNode.objects.create(name="old", aet="OLDSCP", host="127.0.0.1", port=free_port(), enabled=False)
    assert Client().get("/health").status_code == 200
