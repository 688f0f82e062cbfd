"""C-ECHO to a DICOM node (store SCP or remote query-retrieve SCP): is it alive?"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pynetdicom import AE, evt
from pynetdicom.pdu_primitives import A_ASSOCIATE
from pynetdicom.sop_class import Verification  # type: ignore[attr-defined]

log = logging.getLogger("openrem.netdicom.store")

ALIVE = "alive"
ASSOCIATION_FAILED = "association failed"
ECHO_FAILED = "echo failed"


@dataclass(frozen=True)
class EchoResult:
    """The outcome: ``status`` is "alive", "association failed", "rejected: <reason>" or "echo failed"."""

    status: str
    detail: str = ""

    @property
    def alive(self) -> bool:
        """Whether the node answered the C-ECHO with success."""
        return self.status == ALIVE


def echo(host: str, port: int, aet: str, our_aet: str = "OPENREMECHO", timeout: float = 5.0) -> EchoResult:
    """Associate with ``aet`` at ``host:port`` as ``our_aet`` and send one C-ECHO."""
    ae = AE(ae_title=our_aet)
    ae.add_requested_context(Verification)
    ae.acse_timeout = ae.network_timeout = ae.dimse_timeout = timeout
    ae.connection_timeout = timeout
    received: list[Any] = []
    handlers: list[Any] = [(evt.EVT_ACSE_RECV, lambda event: received.append(event.primitive))]
    try:
        assoc = ae.associate(host, int(port), ae_title=aet, evt_handlers=handlers)
    except (OSError, ValueError) as exc:
        return EchoResult(ASSOCIATION_FAILED, str(exc))
    if assoc.is_rejected:
        return EchoResult(f"rejected: {_rejection(received)}")
    if not assoc.is_established:
        return EchoResult(ASSOCIATION_FAILED, "aborted" if assoc.is_aborted else "no association")
    try:
        status = assoc.send_c_echo()
    finally:
        assoc.release()
    code = getattr(status, "Status", None)
    if code == 0x0000:
        return EchoResult(ALIVE)
    return EchoResult(ECHO_FAILED, "no response" if code is None else f"status 0x{int(code):04X}")


def _rejection(received: list[Any]) -> str:
    """A readable rejection reason from the A-ASSOCIATE-RJ primitive received."""
    for primitive in received:
        if isinstance(primitive, A_ASSOCIATE) and primitive.result in (0x01, 0x02):
            return str(primitive.reason_str)
    return "association rejected"
