"""Helpers of the store SCP tests: free ports, a running SCP, pynetdicom senders (no Django imports
at module level beyond what the SCP needs)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydicom import dcmread
from pynetdicom import AE

from openrem.netdicom.storescp import STORAGE_CLASSES
from support import free_port

__all__ = ["SAMPLES", "SCP_AET", "dataset_bytes_ok", "files_in", "free_port", "send_files", "sender"]

SCP_AET = "OPENREMTEST"

SAMPLES = [
    "CT-ESR-GE_Optima.dcm", "CT-RDSR-GEPixelMed.dcm", "CT-RDSR-Siemens-Multi-1.dcm", "CT-RDSR-Siemens-Multi-2.dcm",
    "CT-RDSR-Siemens_Flash-TAP-SS.dcm", "CT-RDSR-ToshibaPixelMed.dcm", "CT-SC-Philips_Brilliance16P.dcm",
    "DX-Im-Carestream_DR7500-1.dcm", "DX-Im-Carestream_DRX.dcm", "DX-Im-GE_XR220-1.dcm", "DX-Im-GE_XR220-2.dcm",
    "DX-RDSR-Canon_CXDI.dcm", "DX-RDSR-Carestream_DRXEvolution.dcm", "MG-Im-GE_Seno_1_ForPresentation.dcm",
    "MG-Im-GE_Seno_1_ForProcessing.dcm", "MG-RDSR-Hologic_2D.dcm", "MG-Im-Hologic-PropProj.dcm",
    "NM-RRDSR-Siemens.dcm", "NM-PetIm-Siemens.dcm", "NM-NmIm-Siemens.dcm", "PX-Im-NewTom_Go.dcm",
    "RF-RDSR-Siemens-Zee.dcm", "RF-RDSR-GE.dcm", "RF-ESR-Siemens-Varic.dcm", "ESR_non-dose.dcm",
]


def sender(calling: str = "SENDER") -> AE:
    """An SCU proposing every storage class the SCP accepts (explicit and implicit VR little endian)."""
    ae = AE(ae_title=calling)
    for uid in STORAGE_CLASSES:
        ae.add_requested_context(uid, ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"])
    ae.add_requested_context("1.2.840.10008.1.1")
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = 120
    return ae


def send_files(port: int, paths: Iterable[Path], calling: str = "SENDER", abort_after: int | None = None) -> list[int]:
    """Send ``paths`` over one association; the statuses (-1: no response). ``abort_after``: A-ABORT
    after that many C-STOREs instead of releasing."""
    assoc = sender(calling).associate("127.0.0.1", port, ae_title=SCP_AET)
    assert assoc.is_established, "association failed"
    statuses = []
    try:
        for n, path in enumerate(paths):
            if abort_after is not None and n >= abort_after:
                assoc.abort()
                return statuses
            status = assoc.send_c_store(dcmread(path))
            statuses.append(int(getattr(status, "Status", -1)))
    finally:
        if assoc.is_established:
            assoc.release()
    return statuses


def files_in(folder: Path) -> list[Path]:
    """Every file below ``folder``."""
    return sorted(p for p in folder.rglob("*") if p.is_file())


def dataset_bytes_ok(path: Path) -> Any:
    """Read a written file fully (raises when it is truncated)."""
    ds = dcmread(path)
    ds.get("PixelData")
    return ds
