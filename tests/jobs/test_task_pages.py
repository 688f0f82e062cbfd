"""The task pages: sections, who sees which task, live-refresh JSON, termination and history size."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openrem.jobs.models import TaskHistorySettings, TaskRecord
from openrem.web.views.tasks import progress_percent

pytestmark = pytest.mark.django_db


def _user(name: str, group: str) -> User:
    user = User.objects.create(username=name)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin() -> User:
    return _user("admin", "admingroup")


@pytest.fixture
def viewer() -> User:
    return _user("viewer", "viewgroup")


@pytest.fixture
def records(viewer: User) -> dict[str, TaskRecord]:
    now = timezone.now()
    out = {
        "queued": TaskRecord.objects.create(task_type="import", summary="queued-file"),
        "active": TaskRecord.objects.create(task_type="import_folder", summary="active-folder", status="active",
                                            started_at=now, progress="3 of 12 files"),
        "recent": TaskRecord.objects.create(task_type="import", summary="recent-file", status="failed",
                                            started_at=now, finished_at=now, result="r-result",
                                            error="Traceback (most recent call last):\nValueError: boom"),
        "older": TaskRecord.objects.create(task_type="query", summary="older-query", status="complete",
                                           started_at=now - dt.timedelta(hours=8),
                                           finished_at=now - dt.timedelta(hours=7)),
        "own": TaskRecord.objects.create(task_type="query", summary="viewers-own-query", status="complete",
                                         user=viewer, started_at=now, finished_at=now),
    }
    return out


def _section(html: str, name: str) -> str:
    match = re.search(rf'<section id="tasks-{name}".*?</section>', html, re.S)
    assert match, name
    return match.group(0)


def test_admin_sees_every_section(admin: User, records: dict[str, TaskRecord]) -> None:
    response = _client(admin).get(reverse("tasks"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "queued-file" in _section(html, "queued")
    active = _section(html, "active")
    assert "active-folder" in active and "3 of 12 files" in active and 'style="width: 25%"' in active
    recent = _section(html, "recent")
    assert "recent-file" in recent and "viewers-own-query" in recent and "(viewer)" in recent
    assert '<details data-key="err-' in recent and "ValueError: boom" in recent  # collapsed traceback
    assert "older-query" in _section(html, "older")
    assert html.count(">Terminate</button>") == 2  # queued and active rows
    assert "csrfmiddlewaretoken" in active
    assert reverse("tasks_json") in html and "setTimeout(refresh, 2000)" in html


def test_users_see_only_their_own_tasks_read_only(viewer: User, records: dict[str, TaskRecord]) -> None:
    html = _client(viewer).get(reverse("tasks")).content.decode()
    assert "viewers-own-query" in html
    for other in ("queued-file", "active-folder", "recent-file", "older-query"):
        assert other not in html
    assert "Terminate" not in html and reverse("tasks_settings") not in html
    data = _client(viewer).get(reverse("tasks_json")).json()
    assert data["counts"] == {"queued": 0, "active": 0, "recent": 1, "older": 0, "older_total": 0}


def test_json_endpoint_has_the_sections(admin: User, records: dict[str, TaskRecord]) -> None:
    data = _client(admin).get(reverse("tasks_json")).json()
    assert data["counts"] == {"queued": 1, "active": 1, "recent": 2, "older": 1, "older_total": 1}
    assert set(data["sections"]) == {"health", "queued", "active", "recent", "older"}  # health: admins only
    assert "active-folder" in data["sections"]["active"]
    # the page embeds the same fragments, so the script only swaps sections that changed
    page = _client(admin).get(reverse("tasks")).content.decode()
    assert "older-query" in data["sections"]["older"] and "older-query" in page


def test_older_rows_are_limited_unless_all(admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    from openrem.web.views import tasks

    monkeypatch.setattr(tasks, "OLDER_SHOWN", 2)
    long_ago = timezone.now() - dt.timedelta(days=2)
    for i in range(4):
        TaskRecord.objects.create(task_type="import", summary=f"old-{i}", status="complete", finished_at=long_ago)
    data = _client(admin).get(reverse("tasks_json")).json()
    assert data["counts"]["older"] == 2 and data["counts"]["older_total"] == 4
    assert "Show all" in data["sections"]["older"]
    assert _client(admin).get(reverse("tasks_json") + "?all=1").json()["counts"]["older"] == 4


def test_terminate_queued_task_ends_it_at_once(admin: User, records: dict[str, TaskRecord]) -> None:
    response = _client(admin).post(reverse("tasks_terminate", args=[records["queued"].pk]))
    assert response.status_code == 302 and response["Location"] == reverse("tasks")
    records["queued"].refresh_from_db()
    assert records["queued"].status == TaskRecord.TERMINATED and records["queued"].finished_at


def test_terminate_running_task_asks_it_to_stop(admin: User, records: dict[str, TaskRecord]) -> None:
    _client(admin).post(reverse("tasks_terminate", args=[records["active"].pk]))
    records["active"].refresh_from_db()
    assert records["active"].status == TaskRecord.TERMINATING
    html = _client(admin).get(reverse("tasks")).content.decode()
    active = _section(html, "active")
    assert "active-folder" in active and ">Mark terminated</button>" in active  # running until its check point


def test_terminating_task_can_be_marked_terminated(admin: User, records: dict[str, TaskRecord]) -> None:
    """Pressed again (the worker may have died), the task is marked terminated with a note."""
    url = reverse("tasks_terminate", args=[records["active"].pk])
    _client(admin).post(url)
    _client(admin).post(url)
    records["active"].refresh_from_db()
    assert records["active"].status == TaskRecord.TERMINATED and records["active"].finished_at
    assert "Marked terminated by admin" in records["active"].error


def test_terminate_finished_task_changes_nothing(admin: User, records: dict[str, TaskRecord]) -> None:
    response = _client(admin).post(reverse("tasks_terminate", args=[records["recent"].pk]), follow=True)
    assert "is not queued or running" in response.content.decode()
    records["recent"].refresh_from_db()
    assert records["recent"].status == TaskRecord.FAILED


def test_terminate_is_post_only_admin_only_and_csrf_protected(admin: User, viewer: User,
                                                              records: dict[str, TaskRecord]) -> None:
    url = reverse("tasks_terminate", args=[records["active"].pk])
    assert _client(admin).get(url).status_code == 405
    assert _client(viewer).post(url).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin)
    assert strict.post(url).status_code == 403
    records["active"].refresh_from_db()
    assert records["active"].status == TaskRecord.ACTIVE
    html = strict.get(reverse("tasks")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert strict.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    records["active"].refresh_from_db()
    assert records["active"].status == TaskRecord.TERMINATING


def test_history_size_setting(admin: User, viewer: User, records: dict[str, TaskRecord]) -> None:
    url = reverse("tasks_settings")
    assert _client(viewer).get(url).status_code == 403
    assert _client(admin).get(url).status_code == 200
    assert _client(admin).post(url, {"max_rows": "0"}).status_code == 400
    response = _client(admin).post(url, {"max_rows": "2"})
    assert response.status_code == 302
    assert TaskHistorySettings.get().max_rows == 2
    # trimmed at once: the two newest finished records stay (newest created first, then the highest pk),
    # queued and active ones are never trimmed
    kept = set(TaskRecord.objects.values_list("summary", flat=True))
    assert kept == {"queued-file", "active-folder", "viewers-own-query", "older-query"}


def test_anonymous_goes_to_login() -> None:
    response = Client().get(reverse("tasks"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_progress_percent() -> None:
    assert progress_percent("3 of 12 files") == 25
    assert progress_percent("0 of 0 files") is None
    assert progress_percent("waiting") is None
    assert progress_percent("") is None
