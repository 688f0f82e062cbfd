"""C-ECHO to a DICOM node (store SCP or remote query-retrieve SCP): is it alive?"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pynetdicom import AE
from pynetdicom.sop_class import Verification  # type: ignore[attr-defined]

from openrem.netdicom.association import REJECTED, AssociationError, associate

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
    """Associate with ``aet`` at ``host:port`` as ``our_aet`` and send one C-ECHO. ``detail`` of a failed
    association says "connection refused", "timeout" or "aborted" (:mod:`openrem.netdicom.association`)."""
    ae = AE(ae_title=our_aet)
    ae.add_requested_context(Verification)
    ae.network_timeout = ae.dimse_timeout = timeout
    try:
        assoc, _watch = associate(ae, host, int(port), aet, timeout)
    except AssociationError as exc:
        if exc.kind == REJECTED:
            return EchoResult(f"rejected: {str(exc).split(' rejected: ', 1)[-1]}")
        return EchoResult(ASSOCIATION_FAILED, f"{exc.kind}: {exc}" if exc.kind not in str(exc) else str(exc))
    try:
        status = assoc.send_c_echo()
    finally:
        assoc.release()
    code = getattr(status, "Status", None)
    if code == 0x0000:
        return EchoResult(ALIVE)
    return EchoResult(ECHO_FAILED, "no response" if code is None else f"status 0x{int(code):04X}")
