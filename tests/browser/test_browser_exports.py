"""Export from a filtered CT list in a real browser, run by a real huey worker, downloaded from the Exports page."""

from __future__ import annotations

import csv
import io
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import shot

from openrem.exports.models import ExportFile
from openrem.jobs.models import TaskRecord


@pytest.fixture
def worker(settings: Any, tmp_path: Any) -> Iterator[None]:
    """A huey consumer (one worker thread) on a queue of its own, instead of the in-process mode of the tests:
    the export really runs in the background while the page polls."""
    from huey import SqliteHuey
    from huey.contrib.djhuey import HUEY

    settings.MEDIA_ROOT = str(tmp_path / "media")
    queue = SqliteHuey(name="browser-exports", filename=str(tmp_path / "huey.sqlite3"))
    storage, immediate = HUEY.storage, HUEY.immediate
    HUEY.immediate = False
    HUEY.storage = queue.storage
    consumer = HUEY.create_consumer(workers=1, worker_type="thread", periodic=False, initial_delay=0.05,
                                    max_delay=0.2, check_worker_health=False)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    consumer.start()  # starts the worker thread and returns (signal handlers need the main thread)
    yield
    consumer.stop(graceful=True)
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    HUEY.storage, HUEY.immediate = storage, immediate


def test_export_the_filtered_ct_list(export_page: Any, studies: dict[str, list[int]], worker: None,
                                     users: dict[str, Any]) -> None:
    from openrem.exports.run import CommandUser
    from openrem.modalities.registry import MODALITIES
    from openrem.web.filtering import filtered_studies

    page = export_page
    wanted = list(filtered_studies(MODALITIES["ct"], CommandUser(), {"manufacturer": "ge"})[0])
    assert 0 < len(wanted) < len(studies["ct"])  # the filter really selects a subset
    page.goto("/ct/?manufacturer=ge")
    page.click(".export-menu button.dropdown-toggle")
    page.click('.export-menu button[data-format="csv"]')
    page.wait_for_url("**/export/")
    page.evaluate("window.__notReloaded = true")
    export = ExportFile.objects.get()
    assert export.filters == {"manufacturer": "ge"} and export.user == users["exportgroup"]
    # the page follows the task without reloading until it is complete, with its record count
    row = f'#exports-complete tr[data-export="{export.pk}"]'
    page.wait_for_selector(row, timeout=20_000)
    assert page.evaluate("window.__notReloaded") is True
    text = page.locator(row).inner_text()
    assert f"{len(wanted)} of {len(wanted)} studies" in text and "manufacturer=ge" in text
    export.refresh_from_db()
    assert export.task.status == TaskRecord.COMPLETE and export.task.started_at is not None
    shot(page, "exports")
    with page.expect_download() as info:
        page.click(f"{row} a.export-download")
    content = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == len(wanted)
    assert sorted(r["Study instance UID"] for r in rows) == sorted(s.study_instance_uid for s in wanted)
    assert {r["Manufacturer"] for r in rows} == {s.equipment.manufacturer for s in wanted}
