"""The store SCP over real associations on 127.0.0.1 (imports run in-process, in the handler threads)."""

from __future__ import annotations

import socket
import struct
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pynetdicom.pdu import A_ASSOCIATE_RQ
from pynetdicom.pdu_primitives import (
    A_ASSOCIATE,
    ImplementationClassUIDNotification,
    MaximumLengthNotification,
)
from pynetdicom.presentation import build_context

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_net import SAMPLES, SCP_AET, dataset_bytes_ok, files_in, free_port, send_files  # noqa: E402

from openrem.dose.models import Study  # noqa: E402
from openrem.dose.reference import dump_reference  # noqa: E402
from openrem.dose.services import import_file  # noqa: E402
from openrem.jobs.models import TaskRecord  # noqa: E402
from openrem.netdicom.echo import echo  # noqa: E402
from openrem.netdicom.models import ReceiveFilterSettings  # noqa: E402
from openrem.netdicom.storescp import StoreSCP  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scp(tmp_path: Path) -> Iterator[StoreSCP]:
    server = StoreSCP(SCP_AET, free_port(), "127.0.0.1", root=tmp_path, config_ttl=0)
    server.start()
    yield server
    server.stop()


def _sendable(sample: Callable[[str], Path]) -> list[Path]:
    return [sample(name) for name in SAMPLES]


SOURCE_KEYS = {"pk", "id", "source_files_by_sop_uid", "files_that_created_or_changed_it"}


def _normalise(value: Any) -> Any:
    """The reference dump without primary keys and source names; lists of UIDs (processed objects)
    depend on the arrival order, so lists of strings are sorted."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()
                if k not in SOURCE_KEYS and not k.endswith("_pk")}
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return sorted(value)
        return [_normalise(v) for v in value]
    return value


def _studies() -> list[Any]:
    studies = _normalise(dump_reference())["studies"]
    return sorted(studies, key=lambda s: repr(s))


def test_concurrent_associations_import_every_object_once(scp: StoreSCP, sample: Callable[[str], Path]) -> None:
    paths = _sendable(sample)
    batches = [paths[i::20] for i in range(20)]
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda b: send_files(scp.port, b[1], calling=f"MOD{b[0]}"), enumerate(batches)))
    statuses = [s for r in results for s in r]
    assert statuses == [0] * len(paths), statuses
    records = TaskRecord.objects.filter(task_type="import")
    assert records.count() == len(paths)
    assert not records.exclude(status=TaskRecord.COMPLETE).exists(), list(
        records.exclude(status=TaskRecord.COMPLETE).values_list("summary", "error"))
    assert files_in(scp.inbox) == []  # imported and deleted, nothing half-written
    received = _studies()
    Study.objects.all().delete()
    for path in paths:
        assert not import_file(path).failed
    assert received == _studies()


def test_aborted_association_leaves_no_partial_file(scp: StoreSCP, sample: Callable[[str], Path]) -> None:
    paths = [sample("DX-Im-GE_XR220-1.dcm"), sample("DX-Im-GE_XR220-2.dcm"), sample("NM-NmIm-Siemens.dcm")]
    statuses = send_files(scp.port, paths, abort_after=2)
    assert statuses == [0, 0]
    assert Study.objects.count() >= 1
    assert send_files(scp.port, [sample("CT-RDSR-GEPixelMed.dcm")]) == [0]
    assert files_in(scp.inbox) == []


def _raw_partial_pdata(port: int) -> None:
    """Associate over a plain socket (A-ASSOCIATE-RQ encoded with pynetdicom's PDU classes), send
    half a P-DATA-TF, close."""
    context = build_context("1.2.840.10008.5.1.4.1.1.88.67", ["1.2.840.10008.1.2"])
    context.context_id = 1
    max_length = MaximumLengthNotification()
    max_length.maximum_length_received = 16384
    implementation = ImplementationClassUIDNotification()
    implementation.implementation_class_uid = "1.2.3.4"
    primitive = A_ASSOCIATE()
    primitive.application_context_name = "1.2.840.10008.3.1.1.1"
    primitive.calling_ae_title, primitive.called_ae_title = "RAWSENDER", SCP_AET
    primitive.presentation_context_definition_list = [context]
    primitive.user_information = [max_length, implementation]
    request = A_ASSOCIATE_RQ()
    request.from_primitive(primitive)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        answer = sock.recv(6)
        assert answer[:1] == b"\x02", answer  # A-ASSOCIATE-AC
        # a P-DATA-TF announcing 5000 bytes, of which only a few are sent
        sock.sendall(b"\x04\x00" + struct.pack(">I", 5000) + struct.pack(">I", 4996) + b"\x01\x00" + b"\x00" * 40)
        time.sleep(0.2)


def test_partial_pdata_then_close_keeps_the_server_up(scp: StoreSCP, sample: Callable[[str], Path]) -> None:
    _raw_partial_pdata(scp.port)
    assert send_files(scp.port, [sample("CT-RDSR-GEPixelMed.dcm")]) == [0]
    assert Study.objects.count() == 1
    time.sleep(0.2)
    assert files_in(scp.inbox) == []


def test_non_dose_object_is_received_but_not_a_study(scp: StoreSCP, sample: Callable[[str], Path]) -> None:
    assert send_files(scp.port, [sample("ESR_non-dose.dcm")]) == [0]
    record = TaskRecord.objects.get(task_type="import")
    assert "not a dose object" in record.result
    assert Study.objects.count() == 0


def test_ignored_manufacturer_is_acknowledged_but_not_written(scp: StoreSCP, sample: Callable[[str], Path]) -> None:
    row = ReceiveFilterSettings.get()
    row.manufacturers_to_ignore = "Faxitron, kodak"
    row.save()
    assert send_files(scp.port, [sample("DX-Im-Carestream_DR7500-1.dcm")]) == [0]
    assert files_in(scp.inbox) == [] and Study.objects.count() == 0
    assert not TaskRecord.objects.exists()


def test_physics_and_toshiba_objects_are_kept_aside(scp: StoreSCP, sample: Callable[[str], Path]) -> None:
    row = ReceiveFilterSettings.get()
    row.physics_filtering = True
    row.physics_to_keep = "physics, QA"
    row.toshiba_extractor_systems = "Philips Brilliance"  # a CT object among the samples
    row.save()
    path = sample("CT-SC-Philips_Brilliance16P.dcm")
    assert send_files(scp.port, [path]) == [0]
    kept = files_in(scp.toshiba_root)
    assert len(kept) == 1 and dataset_bytes_ok(kept[0]).SOPInstanceUID == dataset_bytes_ok(path).SOPInstanceUID
    assert Study.objects.count() == 0


def test_write_failure_returns_a_failure_status(scp: StoreSCP, sample: Callable[[str], Path]) -> None:
    scp.inbox.rmdir()
    scp.inbox.write_text("not a folder")  # the inbox cannot be written to
    assert send_files(scp.port, [sample("DX-Im-GE_XR220-1.dcm")]) == [0xA700]
    scp.inbox.unlink()
    assert send_files(scp.port, [sample("DX-Im-GE_XR220-1.dcm")]) == [0]


def test_echo(scp: StoreSCP) -> None:
    assert echo("127.0.0.1", scp.port, SCP_AET).status == "alive"
    assert echo("127.0.0.1", free_port(), SCP_AET, timeout=2).status == "association failed"


def test_only_the_configured_called_ae_titles_are_answered(tmp_path: Path, sample: Callable[[str], Path]) -> None:
    server = StoreSCP(SCP_AET, free_port(), "127.0.0.1", root=tmp_path, config_ttl=0, other_aets=["ALIASAE"])
    server.start()
    try:
        assert echo("127.0.0.1", server.port, SCP_AET).status == "alive"
        assert echo("127.0.0.1", server.port, "ALIASAE").status == "alive"
        wrong = echo("127.0.0.1", server.port, "WRONGAE")
        assert wrong.status == "rejected: Called AE title not recognised", wrong
        assert not wrong.alive
    finally:
        server.stop()
