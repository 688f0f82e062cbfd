"""Import from the browser: each uploaded DICOM file (or zip member) becomes an import task with a result.

Uploads go through Django's test client (multipart, the real middleware and views); the import runs the
real ingest (huey in immediate mode under pytest). The oversized upload is simulated by its
Content-Length: nothing of that size is allocated or sent.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from openrem.dose.models import Study
from openrem.jobs.models import TaskRecord

URL = reverse("import_upload")
TWENTY = (
    "CT-ESR-GE_Optima.dcm", "CT-ESR-GE_VCT.dcm", "CT-RDSR-GEPixelMed.dcm", "CT-RDSR-Siemens_Flash-QA-DS.dcm",
    "CT-RDSR-Siemens_Flash-TAP-SS.dcm", "CT-RDSR-ToshibaPixelMed.dcm", "CT-RDSR-Toshiba_DoseCheck.dcm",
    "DX-Im-Carestream_DR7500-1.dcm", "DX-Im-Carestream_DRX.dcm", "DX-Im-GE_XR220-1.dcm", "DX-RDSR-Canon_CXDI.dcm",
    "DX-RDSR-Carestream_DRXEvolution.dcm", "MG-Im-GE_Seno_1_ForPresentation.dcm", "MG-RDSR-Hologic_2D.dcm",
    "NM-RRDSR-Siemens.dcm", "PX-Im-NewTom_Go.dcm", "RF-RDSR-Philips_Allura.dcm", "RF-RDSR-Siemens-Zee.dcm",
    "RF-RDSR-GE.dcm", "ESR_non-dose.dcm",
)


@pytest.fixture
def importer(group_users: dict[str, User], django_capture_on_commit_callbacks: Any) -> Client:
    """An importqrgroup user; queued imports run when the request's work commits (huey immediate)."""
    client = Client()
    client.force_login(group_users["importqrgroup"])
    post = client.post

    def post_and_run(*args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    client.post = post_and_run  # type: ignore[method-assign]
    return client


def _results(html: str) -> list[tuple[str, str, str]]:
    """(file, status, result) of each row of the results table."""
    body = html.split('id="upload-results"')[1].split("</table>")[0]
    rows = re.findall(r'<tr class="[^"]*" data-status="(\w+)">\s*<td>(.*?)</td><td>.*?</td>\s*<td[^>]*>(.*?)</td>',
                      body, re.S)
    return [(name, status, result.strip()) for status, name, result in rows]


def _upload(client: Client, files: list[SimpleUploadedFile]) -> list[tuple[str, str, str]]:
    response = client.post(URL, {"files": files})
    assert response.status_code == 302, response.content[:500]
    return _results(client.get(response["Location"]).content.decode())


@pytest.mark.shared
def test_twenty_files_each_with_its_result(importer: Client, sample: Callable[[str], Path]) -> None:
    files = [SimpleUploadedFile(name, sample(name).read_bytes()) for name in TWENTY]
    lines = _upload(importer, files)
    assert [name for name, _, _ in lines] == list(TWENTY)
    by_name = {name: (status, result) for name, status, result in lines}
    assert all(result for _, result in by_name.values())
    assert by_name["CT-RDSR-Toshiba_DoseCheck.dcm"] == ("complete", by_name["CT-RDSR-Toshiba_DoseCheck.dcm"][1])
    assert by_name["CT-RDSR-Toshiba_DoseCheck.dcm"][1].startswith("stored")
    assert by_name["ESR_non-dose.dcm"][1].startswith("not a dose object")
    assert "inbox" not in "".join(r for _, _, r in lines)  # no server paths on the page
    assert TaskRecord.objects.filter(task_type="import").count() == 20
    assert Study.objects.filter(modality_type="CT").count() >= 6
    assert not any(Path(p).exists() for p in TaskRecord.objects.values_list("summary", flat=True))


@pytest.mark.shared
def test_zip_members_are_imported_each_with_its_result(importer: Client, sample: Callable[[str], Path]) -> None:
    buffer = io.BytesIO()
    names = ("RF-RDSR-Philips_Allura.dcm", "MG-RDSR-Hologic_2D.dcm", "NM-RRDSR-Siemens.dcm")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(sample(name), f"folder/{name}")
        archive.writestr("folder/readme.txt", "not DICOM")
    lines = _upload(importer, [SimpleUploadedFile("studies.zip", buffer.getvalue(), "application/zip")])
    assert [n for n, _, _ in lines] == [f"studies.zip/folder/{n}" for n in names] + ["studies.zip/folder/readme.txt"]
    assert [s for _, s, _ in lines] == ["complete", "complete", "complete", "failed"]
    assert "not a DICOM file" in lines[-1][2]
    assert Study.objects.filter(modality_type__in=["RF", "MG", "NM"]).count() == 3


def test_non_dicom_and_bad_zip_get_clear_errors(importer: Client) -> None:
    lines = _upload(importer, [SimpleUploadedFile("notes.txt", b"hello, this is text" * 20),
                               SimpleUploadedFile("empty.dcm", b""),
                               SimpleUploadedFile("broken.zip", b"PK\x03\x04" + b"\0" * 40)])
    assert [(n, s) for n, s, _ in lines] == [("notes.txt", "failed"), ("empty.dcm", "failed"), ("broken.zip", "failed")]
    assert "not a DICOM file" in lines[0][2] and "empty file" in lines[1][2]
    assert not Study.objects.exists()


def test_two_gigabyte_upload_is_refused_before_reading(importer: Client) -> None:
    """Content-Length says 2 GiB: the answer is 413 with a sentence, the body is never read."""
    response = importer.generic("POST", URL, b"--x--\r\n", content_type="multipart/form-data; boundary=x",
                                CONTENT_LENGTH=str(2 * 1024**3))
    assert response.status_code == 413
    html = response.content.decode()
    assert "2,048 MB" in html and "at most 1,024 MB" in html and 'id="upload-error"' in html
    assert not TaskRecord.objects.exists()


def test_posting_nothing_says_so(importer: Client) -> None:
    response = importer.post(URL, {})
    assert response.status_code == 400 and "No file was sent" in response.content.decode()


def test_users_without_import_rights_cannot_upload(group_users: dict[str, User]) -> None:
    client = Client()
    client.force_login(group_users["viewgroup"])
    assert client.post(URL, {"files": [SimpleUploadedFile("a.dcm", b"x")]}).status_code == 403
    assert "Import</a>" not in client.get("/").content.decode()
    assert not TaskRecord.objects.exists()


def test_results_of_other_users_are_not_shown(importer: Client, group_users: dict[str, User]) -> None:
    response = importer.post(URL, {"files": [SimpleUploadedFile("notes.txt", b"text" * 50)]})
    other = Client()
    other.force_login(group_users["importsizegroup"])
    assert _results(other.get(response["Location"]).content.decode()) == []


@pytest.mark.django_db(transaction=True)
def test_two_gigabyte_stream_over_http_is_refused(live_server: Any, group_users: dict[str, User]) -> None:
    """Through a real server: headers announce 2 GiB, 1 MiB is streamed, the server answers 413 at once."""
    from django.conf import settings

    client = Client()
    client.force_login(group_users["importqrgroup"])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    host = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    conn.putrequest("POST", URL)
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(2 * 1024**3))
    conn.putheader("Cookie", f"{settings.SESSION_COOKIE_NAME}={session}")
    conn.endheaders()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the server may have answered and closed
        conn.send(b"--x\r\n" + b"\0" * (1024 * 1024))
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    assert response.status == 413 and "at most 1,024 MB" in body
