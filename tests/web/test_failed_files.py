"""The failed-import list: files whose import ended in an error, shown and cleared on the web page."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from openrem.dicom.synth import hostile
from openrem.dose.services import import_file
from openrem.importlog.models import FailedImport


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_failed_file_is_listed_and_cleared(group_users: dict[str, User], tmp_path: Path) -> None:
    bad = tmp_path / "deep.dcm"
    bad.write_bytes(hostile.deep_nesting(0))
    assert import_file(bad).failed
    viewer, admin = _client(group_users["viewgroup"]), _client(group_users["admingroup"])
    page = viewer.get(reverse("config_failed_imports")).content.decode()
    assert str(bad) in page and "nested deeper than 50 levels" in page
    clear = reverse("config_failed_delete", args=["files"])
    assert viewer.post(clear).status_code == 403
    assert "1 entry will be removed" in admin.get(clear).content.decode()
    assert FailedImport.objects.count() == 1
    admin.post(clear)
    assert not FailedImport.objects.exists()
    assert "No files failed to import." in viewer.get(reverse("config_failed_imports")).content.decode()
