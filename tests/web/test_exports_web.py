"""Exports from the web interface: queued as tasks with the list filter, downloaded with permission checks."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from openrem.exports.models import ExportFile
from openrem.jobs.models import TaskRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _user(*groups: str) -> User:
    user = User.objects.create(username="-".join(groups))
    for g in groups:
        user.groups.add(Group.objects.get_or_create(name=g)[0])
    return user


def _start(client: Client, capture: Any, url: str, data: dict[str, str] | None = None) -> Any:
    with capture(execute=True):
        return client.post(url, data or {})


def _rows(response: Any) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_list_export_holds_the_filtered_studies(studies: dict[str, int], django_capture_on_commit_callbacks: Any,
                                                media: Path) -> None:
    from factories import ct_report
    from openrem.dose.ingest import ingest

    ingest(ct_report("9.9", "9.9.1", ["x1"], study_description="Head"))
    user = _user("exportgroup")
    client = _client(user)
    page = client.get(reverse("study_list", args=["ct"]), {"study_description": "head"})
    assert b'name="study_description" value="head"' in page.content  # the export form posts the filter
    response = _start(client, django_capture_on_commit_callbacks, reverse("export_start", args=["ct", "csv"]),
                      {"study_description": "head", "page": "3"})
    assert response.status_code == 302
    export = ExportFile.objects.get()
    assert export.task.status == TaskRecord.COMPLETE, export.task.error
    assert export.filters == {"study_description": "head"}
    assert export.num_records == 1 and export.task.progress == "1 of 1 studies"
    assert export.file.startswith("exports/") and (media / export.file).is_file()
    rows = _rows(client.get(reverse("export_download", args=[export.pk])))
    assert len(rows) == 2 and rows[1][rows[0].index("Study description")] == "Head"
    page = client.get(reverse("exports"))
    assert b"study_description=head" in page.content and b"export-download" in page.content


def test_no_matching_study_is_a_clear_failure(studies: dict[str, int],
                                             django_capture_on_commit_callbacks: Any) -> None:
    client = _client(_user("exportgroup"))
    _start(client, django_capture_on_commit_callbacks, reverse("export_start", args=["ct", "xlsx"]),
           {"study_description": "no-such-study"})
    export = ExportFile.objects.get()
    assert export.task.status == TaskRecord.FAILED
    assert "No studies match" in export.task.result and not export.file
    assert b"No studies match" in client.get(reverse("exports_table")).content


def test_pid_exports_need_pidgroup(studies: dict[str, int], django_capture_on_commit_callbacks: Any,
                                   media: Path) -> None:
    from openrem.dose.models import Study
    from openrem.dose.patient import sha256_hex

    hashed = sha256_hex("P1")  # identifiers stored hashed are exported as stored
    Study.objects.filter(pk=studies["ct"]).update(patient_name="Doe^Jane", patient_id=hashed, patient_id_hashed=True)
    both = _client(_user("exportgroup", "pidgroup"))
    export_only_user = _user("exportgroup")
    export_only = _client(export_only_user)
    url = reverse("export_start_pid", args=["ct", "csv", "both"])
    assert _start(export_only, django_capture_on_commit_callbacks, url).status_code == 403
    assert not ExportFile.objects.exists()
    _start(both, django_capture_on_commit_callbacks, url)
    export = ExportFile.objects.get()
    assert export.includes_pid and export.task.status == TaskRecord.COMPLETE, export.task.error
    rows = _rows(both.get(reverse("export_download", args=[export.pk])))
    assert rows[0][:2] == ["Patient name", "Patient ID"] and "Date of birth" in rows[0]
    assert rows[1][:2] == ["Doe^Jane", hashed]
    # another exportgroup user, even owning the record, may not download a file with identifiers
    ExportFile.objects.filter(pk=export.pk).update(user=export_only_user)
    assert export_only.get(reverse("export_download", args=[export.pk])).status_code == 403
    # nor reach the file by guessing its address: files are never served as media
    for guess in (f"/media/{export.file}", f"{settings.MEDIA_URL}{export.file}", f"/{export.file}",
                  f"/export/{export.file}"):
        response = export_only.get(guess)
        assert response.status_code in (403, 404), guess
        assert b"Doe^Jane" not in response.content


def test_plain_export_has_no_identifiers(studies: dict[str, int], django_capture_on_commit_callbacks: Any) -> None:
    from openrem.dose.models import Study

    Study.objects.filter(pk=studies["ct"]).update(patient_name="Doe^Jane")
    client = _client(_user("exportgroup", "pidgroup"))
    _start(client, django_capture_on_commit_callbacks, reverse("export_start", args=["ct", "csv"]))
    export = ExportFile.objects.get()
    rows = _rows(client.get(reverse("export_download", args=[export.pk])))
    assert "Patient name" not in rows[0] and "Date of birth" not in rows[0]
    assert not any("Doe^Jane" in cell for row in rows for cell in row)


def test_only_the_owner_downloads_and_deletes(studies: dict[str, int], django_capture_on_commit_callbacks: Any,
                                              media: Path) -> None:
    owner = _client(_user("exportgroup"))
    other = _client(User.objects.create(username="other"))
    other_user = User.objects.get(username="other")
    other_user.groups.add(Group.objects.get_or_create(name="exportgroup")[0])
    _start(owner, django_capture_on_commit_callbacks, reverse("export_start", args=["dx", "xlsx"]))
    export = ExportFile.objects.get()
    assert other.get(reverse("export_download", args=[export.pk])).status_code == 403
    assert other.post(reverse("export_delete", args=[export.pk])).status_code == 404
    path = media / export.file
    assert path.is_file()
    owner.post(reverse("export_delete", args=[export.pk]))
    assert not ExportFile.objects.exists() and not path.exists()


def test_abort_and_remove(studies: dict[str, int]) -> None:
    client = _client(_user("exportgroup"))
    client.post(reverse("export_start", args=["ct", "csv"]))  # queued: the task runs only after commit
    client.post(reverse("export_start", args=["ct", "xlsx"]))
    first, second = ExportFile.objects.order_by("pk")
    client.post(reverse("export_remove", args=[first.pk]))
    assert not ExportFile.objects.filter(pk=first.pk).exists()
    assert TaskRecord.objects.get(pk=first.task_id).status == TaskRecord.TERMINATING
    client.post(reverse("export_abort", args=[second.pk]))
    from openrem.exports.tasks import export_task

    export_task.call_local(second.task_id, second.pk)
    second.refresh_from_db()
    assert second.task.status == TaskRecord.TERMINATED and not second.file
    assert not any(os.scandir(settings.MEDIA_ROOT)) if os.path.isdir(settings.MEDIA_ROOT) else True


def test_openskin_from_the_study_page(studies: dict[str, int], django_capture_on_commit_callbacks: Any) -> None:
    client = _client(_user("exportgroup"))
    page = client.get(reverse("study_detail", args=["rf", studies["rf"]]))
    assert reverse("export_openskin", args=[studies["rf"]]).encode() in page.content
    _start(client, django_capture_on_commit_callbacks, reverse("export_openskin", args=[studies["rf"]]))
    export = ExportFile.objects.get()
    assert export.task.status == TaskRecord.COMPLETE, export.task.error
    rows = _rows(client.get(reverse("export_download", args=[export.pk])))
    assert len(rows) == 2 and rows[1][0] == "Anon"


def test_export_menus(studies: dict[str, int]) -> None:
    viewer = _client(_user("viewgroup"))
    assert b"export-menu" not in viewer.get(reverse("study_list", args=["mg"])).content
    exporter = _client(_user("exportgroup"))
    mg = exporter.get(reverse("study_list", args=["mg"])).content
    assert b'data-format="nhsbsp"' in mg and b'data-format="csv-both"' not in mg
    dx = _client(_user("exportgroup", "pidgroup")).get(reverse("study_list", args=["dx"])).content
    assert b'data-format="phe2019exam"' in dx and b'data-format="xlsx-both"' in dx
