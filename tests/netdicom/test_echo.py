"""C-ECHO outcomes against small pynetdicom SCPs on 127.0.0.1."""

from __future__ import annotations

import sys
from pathlib import Path

from pynetdicom import AE, evt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_net import free_port  # noqa: E402

from openrem.netdicom.echo import echo  # noqa: E402


def test_closed_port_is_association_failed() -> None:
    result = echo("127.0.0.1", free_port(), "NOBODY", timeout=2)
    assert result.status == "association failed" and not result.alive
    assert "connection refused" in result.detail, result.detail


def test_wrong_called_ae_title_is_rejected() -> None:
    ae = AE(ae_title="STRICT")
    ae.require_called_aet = True
    ae.add_supported_context("1.2.840.10008.1.1")
    port = free_port()
    server = ae.start_server(("127.0.0.1", port), block=False)
    try:
        result = echo("127.0.0.1", port, "WRONG", timeout=5)
        assert result.status.startswith("rejected: "), result
        assert echo("127.0.0.1", port, "STRICT", timeout=5).status == "alive"
    finally:
        server.shutdown()


def test_failing_echo_status_is_echo_failed() -> None:
    ae = AE(ae_title="FAILING")
    ae.add_supported_context("1.2.840.10008.1.1")
    port = free_port()
    server = ae.start_server(("127.0.0.1", port), block=False, evt_handlers=[(evt.EVT_C_ECHO, lambda e: 0x0122)])
    try:
        result = echo("127.0.0.1", port, "FAILING", timeout=5)
        assert result.status == "echo failed" and "0x0122" in result.detail
    finally:
        server.shutdown()
