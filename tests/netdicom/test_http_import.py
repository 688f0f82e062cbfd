"""POST /import/orthanc/: token authentication, body checks, path confinement, the token command."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client

from openrem.dose.models import Study
from openrem.httpimport.models import ImportToken, hash_token
from openrem.jobs.models import TaskRecord

Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)  # home of the file-based SQLite test database

pytestmark = pytest.mark.django_db
URL = "/import/orthanc/"
SAMPLE = "DX-Im-GE_XR220-1.dcm"


@pytest.fixture
def inbox(tmp_path: Path, settings: Any) -> Path:
    folder = tmp_path / "inbox"
    settings.HTTP_IMPORT_INBOX = str(folder)
    settings.HTTP_IMPORT_FOLDERS = [str(tmp_path / "imports")]
    (tmp_path / "imports").mkdir()
    return folder


@pytest.fixture
def token() -> str:
    return ImportToken.issue("orthanc-test")[1]


def post(body: bytes, token: str | None, content_type: str = "application/dicom", client: Client | None = None,
         **extra: Any) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return (client or Client()).post(URL, data=body, content_type=content_type, **headers, **extra)


def test_token_is_stored_hashed() -> None:
    row, token = ImportToken.issue("site-a")
    assert token.startswith("orm_") and len(token) > 40
    assert row.token_hash == hash_token(token) and token not in row.token_hash
    assert ImportToken.lookup(token) == row
    assert ImportToken.lookup(token + "x") is None and ImportToken.lookup("") is None


def test_missing_or_wrong_token_is_401(inbox: Path, token: str) -> None:
    for response in (post(b"x", None), post(b"x", "orm_wrong"), post(b"x", "")):
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
    basic = Client().post(URL, data=b"x", content_type="application/dicom", HTTP_AUTHORIZATION="Basic dXNlcjpwdw==")
    assert basic.status_code == 401
    assert Client().get(URL).status_code == 401
    assert not TaskRecord.objects.exists()


def test_session_login_is_not_enough(inbox: Path) -> None:
    user = User.objects.create(username="admin-user", is_superuser=True)
    user.groups.add(Group.objects.get_or_create(name="admingroup")[0])
    client = Client()
    client.force_login(user)
    assert post(b"x", None, client=client).status_code == 401


def test_revoked_token_is_403(inbox: Path, token: str) -> None:
    ImportToken.objects.update(enabled=False)
    assert post(b"x", token).status_code == 403


def test_get_with_token_is_405_and_other_types_415(inbox: Path, token: str) -> None:
    assert Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 405
    assert post(b"hello", token, content_type="text/plain").status_code == 415


def test_not_dicom_is_400_and_nothing_left(inbox: Path, token: str) -> None:
    assert post(b"not a dicom file at all", token).status_code == 400
    assert post(b"\0" * 128 + b"DICM" + b"\xff" * 50, token).status_code == 400
    assert not [p for p in inbox.iterdir()], "rejected bodies are removed"
    assert not TaskRecord.objects.exists()


def test_too_large_is_413(inbox: Path, token: str, settings: Any, sample: Callable[[str], Path]) -> None:
    data = sample(SAMPLE).read_bytes()
    settings.HTTP_IMPORT_MAX_BYTES = len(data) - 1
    assert post(data, token).status_code == 413
    assert not TaskRecord.objects.exists()


def test_dicom_body_is_queued_imported_and_removed(inbox: Path, token: str, sample: Callable[[str], Path],
                                                   django_capture_on_commit_callbacks: Any) -> None:
    data = sample(SAMPLE).read_bytes()
    client = Client(enforce_csrf_checks=True)  # no CSRF token needed: the bearer token authenticates
    with django_capture_on_commit_callbacks(execute=True):
        response = post(data, token, client=client)
    assert response.status_code == 202, response.content
    body = response.json()
    record = TaskRecord.objects.get(uuid=body["task"])
    assert body["status"] == "queued" and record.task_type == "import"
    record.refresh_from_db()
    assert record.status == TaskRecord.COMPLETE, (record.result, record.error)
    assert Study.objects.count() == 1
    assert not [p for p in inbox.iterdir()], "the imported file is deleted from the inbox"
    assert ImportToken.objects.get().last_used is not None


def test_path_inside_import_folder(inbox: Path, token: str, sample: Callable[[str], Path], tmp_path: Path,
                                   django_capture_on_commit_callbacks: Any) -> None:
    target = tmp_path / "imports" / "sub" / "dx.dcm"
    target.parent.mkdir()
    target.write_bytes(sample(SAMPLE).read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = post(b'{"path": "%s"}' % str(target).encode(), token, content_type="application/json")
    assert response.status_code == 202, response.content
    assert Study.objects.count() == 1
    assert target.exists(), "a named file is left where it is"


@pytest.mark.parametrize("make_path", [
    lambda t: "/etc/passwd",
    lambda t: f"{t}/imports/../outside.dcm",
    lambda t: f"{t}/imports/sub/../../outside.dcm",
    lambda t: f"{t}/imports/link.dcm",  # a symbolic link pointing outside
    lambda t: f"{t}/imports",  # the folder itself
    lambda t: f"{t}/importsX/x.dcm",  # a sibling whose name starts like the folder
])
def test_path_outside_import_folders_is_403(inbox: Path, token: str, tmp_path: Path, sample: Callable[[str], Path],
                                            make_path: Callable[[Path], str]) -> None:
    outside = tmp_path / "outside.dcm"
    outside.write_bytes(sample(SAMPLE).read_bytes())
    (tmp_path / "importsX").mkdir()
    (tmp_path / "importsX" / "x.dcm").write_bytes(outside.read_bytes())
    os.symlink(outside, tmp_path / "imports" / "link.dcm")
    response = post(b'{"path": "%s"}' % make_path(tmp_path).encode(), token, content_type="application/json")
    assert response.status_code == 403, response.content
    assert not TaskRecord.objects.exists()


@pytest.mark.parametrize("body", [b"not json", b"[]", b"{}", b'{"path": 3}', b'{"path": "relative/x.dcm"}',
                                  b'{"path": "/tmp/a\\u0000b"}'])
def test_bad_path_bodies_are_400(inbox: Path, token: str, body: bytes) -> None:
    assert post(body, token, content_type="application/json").status_code == 400


def test_path_missing_or_not_dicom_is_400(inbox: Path, token: str, tmp_path: Path) -> None:
    (tmp_path / "imports" / "text.dcm").write_text("hello")
    for name in ("missing.dcm", "text.dcm"):
        body = b'{"path": "%s"}' % str(tmp_path / "imports" / name).encode()
        assert post(body, token, content_type="application/json").status_code == 400


def test_no_import_folders_configured(inbox: Path, token: str, tmp_path: Path, settings: Any) -> None:
    settings.HTTP_IMPORT_FOLDERS = []
    body = b'{"path": "%s"}' % str(tmp_path / "imports" / "x.dcm").encode()
    assert post(body, token, content_type="application/json").status_code == 403


def test_create_list_revoke_command() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_import_token", "orthanc-main", stdout=out, stderr=err)
    token = out.getvalue().strip()
    assert ImportToken.lookup(token).name == "orthanc-main"  # type: ignore[union-attr]
    assert "not shown again" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("create_import_token", "orthanc-main", stdout=io.StringIO(), stderr=io.StringIO())
    listing = io.StringIO()
    call_command("create_import_token", "--list", stdout=listing)
    assert "orthanc-main" in listing.getvalue() and token not in listing.getvalue()
    call_command("create_import_token", "orthanc-main", "--revoke", stdout=io.StringIO())
    assert not ImportToken.objects.get(name="orthanc-main").enabled
    with pytest.raises(CommandError):
        call_command("create_import_token", "nobody", "--revoke", stdout=io.StringIO())


def test_admin_creates_token_once_and_lists(inbox: Path) -> None:
    admin = User.objects.create_superuser("root", "root@example.org", "pw")
    client = Client()
    client.force_login(admin)
    response = client.post("/admin/httpimport/importtoken/add/", {"name": "from-admin", "enabled": "on"},
                           follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    token = next(m.split(": ", 1)[1].split(" ")[0] for m in shown if "Import token for from-admin" in m)
    assert ImportToken.lookup(token).name == "from-admin"  # type: ignore[union-attr]
    listing = client.get("/admin/httpimport/importtoken/")
    assert b"from-admin" in listing.content and token.encode() not in listing.content
