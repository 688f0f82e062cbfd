"""The task page in a real browser: live refresh without reloading, unfolded errors stay open,
terminate button."""

from __future__ import annotations

from typing import Any

from browser_support import assert_styled, shot
from django.utils import timezone

from openrem.jobs.models import TaskRecord


def test_task_page_refreshes_itself_and_terminates(admin_page: Any) -> None:
    page = admin_page
    now = timezone.now()
    failed = TaskRecord.objects.create(task_type="import", summary="broken.dcm", status="failed", started_at=now,
                                       finished_at=now, error="Traceback (most recent call last):\nValueError: x")
    page.goto("/tasks/")
    assert_styled(page)
    page.evaluate("window.__notReloaded = true")
    page.click(f'tr[data-task="{failed.pk}"] details summary')  # unfold the traceback
    assert page.locator(f'tr[data-task="{failed.pk}"] details').get_attribute("open") is not None

    # a task queued and one progressing after the page was loaded appear without reloading
    running = TaskRecord.objects.create(task_type="import_folder", summary="/srv/inbox", status="active",
                                        started_at=now, progress="1 of 4 files")
    page.wait_for_selector(f'#tasks-active tr[data-task="{running.pk}"]', timeout=8000)
    TaskRecord.objects.filter(pk=running.pk).update(progress="3 of 4 files")
    page.wait_for_function(f"""() => document.querySelector('tr[data-task="{running.pk}"]')
                                  .textContent.includes('3 of 4 files')""", timeout=8000)
    assert page.evaluate("window.__notReloaded") is True
    assert page.locator(f'tr[data-task="{failed.pk}"] details').get_attribute("open") is not None
    shot(page, "tasks")

    page.click(f'tr[data-task="{running.pk}"] button:has-text("Terminate")')
    page.wait_for_url("**/tasks/")
    assert "Termination of task /srv/inbox requested." in page.content()
    running.refresh_from_db()
    assert running.status == TaskRecord.TERMINATING
