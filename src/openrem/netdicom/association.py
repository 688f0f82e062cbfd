"""Associating with a remote DICOM node and telling why it did not work (PS3.8 ACSE / upper layer).

pynetdicom reports a closed port, a silent listener, a rejection and an abort alike (the association
is "aborted"); :func:`associate` watches the association's events to tell them apart:

* **connection refused**: no TCP connection (nothing listens, or the host refused it);
* **timeout**: no TCP connection, or no association answer, within the association timeout; or no
  DIMSE response within the C-FIND/C-MOVE timeout (:func:`dimse_failure`);
* **association rejected**: A-ASSOCIATE-RJ, with its reason (e.g. "Called AE title not recognised");
* **aborted**: the remote sent an A-ABORT or closed the connection.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from pynetdicom import AE, evt
from pynetdicom.pdu_primitives import A_ABORT, A_ASSOCIATE, A_P_ABORT

REFUSED = "connection refused"
TIMEOUT = "timeout"
REJECTED = "association rejected"
ABORTED = "aborted"


@dataclass
class Watch:
    """What happened on one association (filled by the event handlers)."""

    connected: bool = False
    received: list[Any] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def handlers(self) -> list[Any]:
        return [(evt.EVT_CONN_OPEN, self._open), (evt.EVT_ACSE_RECV, self._recv)]

    def _open(self, event: Any) -> None:
        self.connected = True

    def _recv(self, event: Any) -> None:
        self.received.append(event.primitive)

    @property
    def peer_aborted(self) -> bool:
        return any(isinstance(p, A_ABORT | A_P_ABORT) for p in self.received)

    def rejection(self) -> str | None:
        for primitive in self.received:
            if isinstance(primitive, A_ASSOCIATE) and primitive.result in (0x01, 0x02):
                return str(primitive.reason_str)
        return None


class AssociationError(Exception):
    """The association failed; ``kind`` is one of the constants above."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def associate(ae: AE, host: str, port: int, remote_aet: str, timeout: float) -> tuple[Any, Watch]:
    """Request an association (connection and ACSE timeouts ``timeout``); raises :class:`AssociationError`
    with the reason when it is not established."""
    ae.acse_timeout = ae.connection_timeout = timeout
    watch = Watch()
    where = f"{remote_aet}@{host}:{port}"
    try:
        assoc = ae.associate(host, int(port), ae_title=remote_aet, evt_handlers=watch.handlers)
    except (OSError, ValueError) as exc:
        raise AssociationError(REFUSED, f"association with {where}: could not connect: {exc}") from exc
    if assoc.is_established:
        return assoc, watch
    elapsed = time.monotonic() - watch.started
    if not watch.connected:
        if elapsed >= timeout * 0.9:
            raise AssociationError(TIMEOUT, f"association with {where}: timeout: no connection within {timeout:g} s")
        raise AssociationError(REFUSED, f"association with {where}: connection refused (nothing listens there, "
                                        "or the host refused the connection)")
    reason = watch.rejection()
    if assoc.is_rejected or reason:
        raise AssociationError(REJECTED, f"association with {where} rejected: {reason or 'no reason given'}")
    if watch.peer_aborted or elapsed < timeout * 0.9:
        raise AssociationError(ABORTED, f"association with {where} aborted by the remote")
    raise AssociationError(TIMEOUT, f"association with {where}: timeout: no answer to the association request "
                                    f"within {timeout:g} s")


def dimse_failure(what: str, assoc: Any, watch: Watch, started: float, timeout: float) -> AssociationError:
    """Why a C-FIND/C-MOVE got no response: the remote aborted, or the DIMSE timeout ran out."""
    if watch.peer_aborted or (assoc.is_aborted and time.monotonic() - started < timeout * 0.9):
        return AssociationError(ABORTED, f"{what}: association aborted by the remote")
    return AssociationError(TIMEOUT, f"{what}: timeout: no response within {timeout:g} s")
