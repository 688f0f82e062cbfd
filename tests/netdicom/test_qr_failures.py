"""Honest query-retrieve results against misbehaving pynetdicom peers on 127.0.0.1: a peer that never
answers C-FIND (the node's timeout is honoured, the message says timeout), a peer that refuses every
move (the query ends failed, the command fails, the per-series counts are on the query page), a peer
that rejects the association (the reason is shown), and a closed port ("connection refused")."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client
from pydicom.dataset import Dataset
from pynetdicom import AE, evt
from pynetdicom.sop_class import (  # type: ignore[attr-defined]
    StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelMove,
    Verification,
)

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_net import SCP_AET, free_port  # noqa: E402

from openrem.netdicom.models import Query, QuerySeries, RemoteNode, StoreNode  # noqa: E402
from openrem.netdicom.qrscu_run import run_query  # noqa: E402
from openrem.netdicom.storescp import StoreSCP  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)

PEER_AET = "BADPACS"
STUDY_UID, SERIES_UID, SOP_UID = "1.2.826.0.1.3680043.10.1616.7.1", "1.2.826.0.1.3680043.10.1616.7.2", \
    "1.2.826.0.1.3680043.10.1616.7.3"
RDSR = "1.2.840.10008.5.1.4.1.1.88.67"


def _answer(identifier: Dataset) -> list[Dataset]:
    """One CT study with one SR series holding one RDSR, at whatever level is asked."""
    ds = Dataset()
    level = identifier.QueryRetrieveLevel
    ds.QueryRetrieveLevel = level
    ds.StudyInstanceUID = STUDY_UID
    if level == "STUDY":
        ds.ModalitiesInStudy, ds.StudyDate, ds.StudyTime = ["CT", "SR"], "20240102", "101010"
        ds.StudyDescription, ds.AccessionNumber, ds.NumberOfStudyRelatedSeries = "CT head", "A1", 1
    elif level == "SERIES":
        ds.SeriesInstanceUID, ds.Modality, ds.SeriesNumber = SERIES_UID, "SR", 501
        ds.SeriesDescription, ds.NumberOfSeriesRelatedInstances, ds.StationName = "Dose Report", 1, "CT1"
    else:
        ds.SeriesInstanceUID, ds.SOPInstanceUID, ds.SOPClassUID, ds.InstanceNumber = SERIES_UID, SOP_UID, RDSR, 1
    return [ds]


class Peer:
    """A query-retrieve SCP with a chosen misbehaviour: ``silent`` (C-FIND never answered),
    ``refuse_moves`` (every C-MOVE: 0xA801 move destination unknown) or ``reject`` (associations
    from any calling AE title but ``ONLYME`` rejected)."""

    def __init__(self, mode: str) -> None:
        self.mode, self.port, self.release = mode, free_port(), threading.Event()
        self.finds = 0  # C-FIND requests received
        ae = AE(ae_title=PEER_AET)
        for context in (StudyRootQueryRetrieveInformationModelFind, StudyRootQueryRetrieveInformationModelMove,
                        Verification):
            ae.add_supported_context(context)
        if mode == "reject":
            ae.require_calling_aet = ["ONLYME"]
        handlers = [(evt.EVT_C_FIND, self._find), (evt.EVT_C_MOVE, self._move)]
        self.server = ae.start_server(("127.0.0.1", self.port), block=False, evt_handlers=handlers)

    def _find(self, event: Any) -> Iterator[Any]:
        self.finds += 1
        if self.mode == "silent":
            self.release.wait(60)  # never answers while the test runs
            return
        for ds in _answer(event.identifier):
            yield 0xFF00, ds

    def _move(self, event: Any) -> Iterator[Any]:
        yield None, None  # the destination is unknown: pynetdicom answers 0xA801

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StoreNode]:
    scp = StoreSCP(SCP_AET, free_port(), "127.0.0.1", root=tmp_path, config_ttl=0)
    scp.start()
    yield StoreNode.objects.create(name="Store", aet=SCP_AET, host="127.0.0.1", port=scp.port)
    scp.stop()


def _node(port: int, **kwargs: Any) -> RemoteNode:
    return RemoteNode.objects.create(name="PACS", remote_aet=PEER_AET, our_aet="OPENREMQR", port=port,
                                     ip="127.0.0.1", **kwargs)


def _query(node: RemoteNode, store: StoreNode | None) -> Query:
    return Query.objects.create(node=node, store=store, parameters={
        "modalities": ["CT"], "date_from": "2024-01-01", "date_until": "2024-01-03", "remove_duplicates": True})


def test_silent_peer_times_out_after_the_nodes_find_timeout() -> None:
    peer = Peer("silent")
    try:
        node = _node(peer.port, find_timeout_s=2)
        query = _query(node, None)
        run_query(query)
    finally:
        peer.stop()
    query.refresh_from_db()
    assert query.failed
    assert "timeout: no response within 2 s" in query.errors, query.errors
    assert peer.finds == 1  # one wait of the node's timeout, no retry (was 2 x 300 s)


def test_refused_moves_fail_the_query_and_the_command(store: StoreNode) -> None:
    peer = Peer("refuse_moves")
    try:
        node = _node(peer.port)
        with pytest.raises(CommandError, match="failed"):  # `openrem qr` exits with status 1
            call_command("qr", str(node.pk), str(store.pk), "-ct", "-f", "2024-01-01", "-t", "2024-01-03")
    finally:
        peer.stop()
    query = Query.objects.get()
    assert query.failed and query.move_done
    assert query.stage.startswith("Move failed: 0 objects sent, 1 failed"), query.stage
    series = QuerySeries.objects.get(moved=True)
    assert (series.move_completed, series.move_failed, series.move_warning) == (0, 1, 0)
    assert "0xA801 (move destination unknown)" in series.move_error
    admin = User.objects.create(username="qr-admin")
    admin.groups.add(Group.objects.get_or_create(name="admingroup")[0])
    client = Client()
    client.force_login(admin)
    page = client.get(f"/dicom/queries/{query.pk}/").content.decode()
    assert 'id="moves"' in page and f'data-series="{SERIES_UID}"' in page
    assert '<td class="move-failed">1</td>' in page and "move destination unknown" in page


def test_rejected_association_shows_the_reason() -> None:
    peer = Peer("reject")
    try:
        query = _query(_node(peer.port), None)
        run_query(query)
    finally:
        peer.stop()
    query.refresh_from_db()
    assert query.failed
    assert "rejected: Calling AE title not recognised" in query.errors, query.errors


def test_closed_port_is_connection_refused() -> None:
    query = _query(_node(free_port()), None)
    run_query(query)
    query.refresh_from_db()
    assert query.failed and "connection refused" in query.errors, query.errors
