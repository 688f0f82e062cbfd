"""Inbox and task health on the task page, and the admins' Re-queue action (POST, CSRF, admingroup)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from openrem.dose.models import Study
from openrem.jobs.models import TaskRecord
from openrem.jobs.recovery import worker_id

pytestmark = pytest.mark.django_db(transaction=True)


def _client(group: str, csrf: bool = False) -> Client:
    user = User.objects.create(username=f"u-{group}")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


@pytest.fixture
def inbox(settings: Any, tmp_path: Path, sample: Callable[[str], Path]) -> Path:
    """``DATA_DIR/dicom_in`` with two files without a task (written 5 minutes ago), one failed file,
    and a task left active by a worker process that no longer exists."""
    settings.DATA_DIR = tmp_path
    settings.HTTP_IMPORT_INBOX = str(tmp_path / "http")
    folder = tmp_path / "dicom_in"
    (folder / "failed").mkdir(parents=True)
    old = time.time() - 300
    for name in ("CT-RDSR-Siemens-Multi-1.dcm", "DX-Im-Carestream_DRX.dcm"):
        shutil.copy(sample(name), folder / name)
        os.utime(folder / name, (old, old))
    (folder / "failed" / "bad.dcm").write_bytes(b"x")
    (folder / "failed" / "bad.dcm.reason.txt").write_text("unreadable")
    dead = f"{worker_id().split(':')[0]}:999999999:1"
    TaskRecord.objects.create(task_type="import", status=TaskRecord.ACTIVE, worker=dead, summary="dead-worker",
                              path=str(tmp_path / "gone.dcm"), call={"task": "import",
                                                                     "args": [str(tmp_path / "gone.dcm"), None, False]})
    return folder


def _csrf(client: Client) -> str:
    page = client.get(reverse("tasks")).content.decode()
    return page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


def test_admin_sees_inbox_and_stuck_tasks_and_requeues(inbox: Path) -> None:
    client = _client("admingroup", csrf=True)
    page = client.get(reverse("tasks")).content.decode()
    row = page.split(f'data-inbox="{inbox}"', 1)[1].split("</tr>", 1)[0]
    assert '<td class="inbox-waiting">2</td>' in row and '<td class="inbox-failed">1' in row
    oldest = int(row.split('<td class="inbox-oldest">', 1)[1].split(" s ago", 1)[0])
    assert 290 <= oldest < 3600
    stuck = TaskRecord.objects.get(summary="dead-worker")
    assert 'data-count="1"' in page and f'data-stuck="{stuck.pk}"' in page
    assert "tasks-health" in page and reverse("tasks_requeue") in page
    assert "health" in client.get(reverse("tasks_json")).json()["sections"]
    assert client.post(reverse("tasks_requeue")).status_code == 403  # no CSRF token
    response = client.post(reverse("tasks_requeue"), {"csrfmiddlewaretoken": _csrf(client)})
    assert response.status_code == 302
    # in-process queue: the two files were imported and removed; the dead worker's task ran again
    assert Study.objects.count() == 2 and [p.name for p in inbox.iterdir()] == ["failed"]
    stuck.refresh_from_db()
    assert stuck.status == TaskRecord.FAILED and "no such file" in stuck.result and stuck.attempts == 1
    page = client.get(reverse("tasks")).content.decode()
    assert 'data-count="0"' in page and f'data-inbox="{inbox}"' in page


@pytest.mark.parametrize("group", ["viewgroup", "importqrgroup", "exportgroup"])
def test_others_see_no_health_and_cannot_requeue(inbox: Path, group: str) -> None:
    client = _client(group)
    page = client.get(reverse("tasks")).content.decode()
    assert "inbox-health" not in page and reverse("tasks_requeue") not in page
    assert "health" not in client.get(reverse("tasks_json")).json()["sections"]
    assert client.post(reverse("tasks_requeue")).status_code == 403
    assert len(list(inbox.glob("*.dcm"))) == 2
