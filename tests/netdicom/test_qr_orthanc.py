"""Query-retrieve against a real PACS: Orthanc (Debian package) on 127.0.0.1, seeded with the sample
files, moving into our store SCP, which imports what it receives.

Skipped when Orthanc is not installed, unless OPENREM_REQUIRE_ALL=1 (then the tests fail).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pydicom
import pytest
from pydicom.uid import generate_uid

from openrem.dose.models import ProcessedObject
from openrem.netdicom.models import Query, RemoteNode, StoreNode
from openrem.netdicom.qrscu_run import run_move, run_query
from support import free_port, missing

pytestmark = [pytest.mark.shared, pytest.mark.django_db(transaction=True)]

DICOM = Path(os.environ.get("OPENREM_SHARED", Path(__file__).resolve().parents[3] / "shared")) / "dicom"
SKIP_FILES = {"MG-Im-Hologic-PropProj.dcm"}  # DCMTK refuses it
STORE_AET, QR_AET, ORTHANC_AET = "OPENREMSTORE", "OPENREMQR", "ORTHANCQR"


def _uid(name: str, keyword: str) -> str:
    return str(getattr(pydicom.dcmread(DICOM / name, stop_before_pixels=True), keyword))


def _copy_into(source: str, target: str, **changes: str) -> bytes:
    """An image ``source`` re-homed into the study of ``target`` (new series and SOP UIDs)."""
    ds = pydicom.dcmread(DICOM / source)
    study = pydicom.dcmread(DICOM / target, stop_before_pixels=True)
    for keyword in ("StudyInstanceUID", "StudyDate", "PatientID", "PatientName", "StudyID", "AccessionNumber"):
        setattr(ds, keyword, getattr(study, keyword, ""))
    ds.SeriesInstanceUID = generate_uid()
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    for keyword, value in changes.items():
        setattr(ds, keyword, value)
    buffer = BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


# synthetic studies with both images and a dose SR: the SR must win
SYNTHETIC = [
    ("DX-Im-Carestream_DRX.dcm", "DX-RDSR-Carestream_DRXEvolution.dcm", {}),
    ("CT-SC-Philips_Brilliance16P.dcm", "CT-RDSR-ToshibaPixelMed.dcm", {"SeriesDescription": "Axial 5mm"}),
    ("DX-Im-Carestream_DRX.dcm", "RF-RDSR-Philips_Allura.dcm", {"Modality": "RF"}),
    ("MG-Im-GE_Seno_1_ForPresentation.dcm", "MG-RDSR-Hologic_2D.dcm", {}),
]


def _post(http: int, data: bytes) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{http}/instances", data=data, method="POST",
                                     headers={"Content-Type": "application/dicom"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A seeded Orthanc and the port our store SCP must listen on."""
    binary = shutil.which("Orthanc") or ("/usr/sbin/Orthanc" if os.path.exists("/usr/sbin/Orthanc") else None)
    if binary is None:
        missing("Orthanc is not installed (apt-get install orthanc)")
    if not DICOM.is_dir():
        missing(f"sample files not found under {DICOM}")
    root = tmp_path_factory.mktemp("orthanc")
    ports = {"dicom": free_port(), "http": free_port(), "store": free_port()}
    config = {
        "Name": "ORTHANCQR", "StorageDirectory": str(root / "db"), "IndexDirectory": str(root / "db"),
        "DicomAet": ORTHANC_AET, "DicomPort": ports["dicom"], "HttpPort": ports["http"],
        "RemoteAccessAllowed": False, "AuthenticationEnabled": False, "DicomCheckCalledAet": False,
        "DicomAlwaysAllowEcho": True, "DicomAlwaysAllowFind": True, "DicomAlwaysAllowMove": True,
        "DicomModalities": {"openrem": [STORE_AET, "127.0.0.1", ports["store"]],
                            "openremqr": [QR_AET, "127.0.0.1", ports["store"]]},
        "Plugins": [], "HttpServerEnabled": True, "DicomServerEnabled": True,
    }
    (root / "orthanc.json").write_text(json.dumps(config))
    log = open(root / "orthanc.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen([binary, str(root / "orthanc.json")], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{ports['http']}/system", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"Orthanc exited: {(root / 'orthanc.log').read_text()[-2000:]}")
                time.sleep(0.1)
        for path in sorted(DICOM.glob("*.dcm")):
            if path.name not in SKIP_FILES:
                _post(ports["http"], path.read_bytes())
        for source, target, changes in SYNTHETIC:
            _post(ports["http"], _copy_into(source, target, **changes))
        yield ports
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture
def store(orthanc: dict[str, Any], tmp_path: Path) -> Iterator[StoreNode]:
    """Our store SCP (imports what it receives through the import tasks) and its node."""
    from openrem.netdicom.storescp import StoreSCP

    scp = StoreSCP(STORE_AET, orthanc["store"], host="127.0.0.1", root=tmp_path, config_ttl=0)
    scp.start()
    try:
        yield StoreNode.objects.create(name="store", aet=STORE_AET, host="127.0.0.1", port=orthanc["store"])
    finally:
        scp.stop()


@pytest.fixture
def node(orthanc: dict[str, Any]) -> RemoteNode:
    return RemoteNode.objects.create(name="orthanc", remote_aet=ORTHANC_AET, our_aet=QR_AET,
                                     port=orthanc["dicom"], ip="127.0.0.1")


def _query(node: RemoteNode, store: StoreNode | None, **params: Any) -> Query:
    return Query.objects.create(node=node, store=store, parameters=params)


EXPECTED = {  # CT, DX, FL, MG from 2014-06-01 to 2017-05-20
    "DX-Im-Carestream_DR7500-1.dcm", "DX-Im-Carestream_DR7500-2.dcm",  # DX images, no RDSR
    "DX-Im-GE_XR220-1.dcm", "DX-Im-GE_XR220-2.dcm", "DX-Im-GE_XR220-3.dcm",
    "CT-SC-Philips_Brilliance16P.dcm",  # Philips dose info series
    "DX-RDSR-Carestream_DRXEvolution.dcm", "CT-RDSR-ToshibaPixelMed.dcm",  # RDSR rather than images
    "RF-RDSR-Philips_Allura.dcm", "MG-RDSR-Hologic_2D.dcm",
}
RANGE = {"date_from": "2014-06-01", "date_until": "2017-05-20"}


def _wait_imports(expected: int, timeout: float = 20) -> set[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        uids = set(ProcessedObject.objects.values_list("sop_instance_uid", flat=True))
        if len(uids) >= expected:
            return uids
        time.sleep(0.2)
    return set(ProcessedObject.objects.values_list("sop_instance_uid", flat=True))


def test_query_retrieve_then_duplicates(node: RemoteNode, store: StoreNode) -> None:
    query = _query(node, store, modalities=["CT", "DX", "FL", "MG"], **RANGE)
    run_query(query)
    assert not query.failed, query.errors
    run_move(query)
    assert not query.failed, query.errors
    wanted = {_uid(name, "SOPInstanceUID") for name in EXPECTED}
    assert query.move_completed == len(EXPECTED) and query.move_failed == 0, query.stage
    assert _wait_imports(len(wanted)) == wanted
    dx_image = query.studies.get(study_instance_uid=_uid("DX-RDSR-Carestream_DRXEvolution.dcm", "StudyInstanceUID"))
    assert dx_image.kept and dx_image.series.get(modality="CR").reason == "RDSR found: images not needed"

    again = _query(node, store, modalities=["CT", "DX", "FL", "MG"], **RANGE)
    run_query(again)
    assert not again.studies.filter(kept=True).exists()
    assert "already" in " ".join(again.studies.values_list("reason", flat=True)) or again.studies.filter(
        series__images__reason__startswith="already imported").exists()
    run_move(again)
    assert again.move_completed == 0 and not again.failed


def test_description_filters(node: RemoteNode) -> None:
    query = _query(node, None, modalities=["DX"], desc_exclude="aec", **RANGE)
    run_query(query)
    aec = query.studies.get(study_instance_uid=_uid("DX-Im-Carestream_DR7500-1.dcm", "StudyInstanceUID"))
    assert not aec.kept and "exclude" in aec.reason
    assert query.studies.filter(kept=True).exists()
    query = _query(node, None, modalities=["DX"], desc_include="CR LEG", **RANGE)
    run_query(query)
    kept = set(query.studies.filter(kept=True).values_list("study_instance_uid", flat=True))
    assert kept == {_uid("DX-RDSR-Carestream_DRXEvolution.dcm", "StudyInstanceUID")}


def test_sr_only(node: RemoteNode) -> None:
    query = _query(node, None, sr_only=True, date_from="2016-05-01", date_until="2016-12-31")
    run_query(query)
    kept = set(query.studies.filter(kept=True).values_list("study_instance_uid", flat=True))
    names = ("RF-RDSR-Siemens-Zee.dcm", "RF-RDSR-Siemens-Zee_adjusted.dcm", "DX-RDSR-Canon_CXDI.dcm")
    assert kept == {_uid(n, "StudyInstanceUID") for n in names}
    toshiba = query.studies.filter(study_instance_uid=_uid("CT-RDSR-ToshibaPixelMed.dcm", "StudyInstanceUID"))
    assert all(not s.kept for s in toshiba)


def test_command_line(node: RemoteNode, store: StoreNode) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("qr", str(node.pk), str(store.pk), "-dx", "-sd", "2014-09-30", "-tf", "0000", stdout=out)
    query = Query.objects.get()
    assert query.parameters["single_date"] == "2014-09-30" and query.move_completed == 3, out.getvalue()
    wanted = {_uid(f"DX-Im-GE_XR220-{n}.dcm", "SOPInstanceUID") for n in (1, 2, 3)}
    assert _wait_imports(3) == wanted
