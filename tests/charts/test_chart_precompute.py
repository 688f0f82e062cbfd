"""Charts computed ahead of the first view (openrem.charts.warm): the worker stores the charts a user
sees first (on SQLite once the data is quiet; on PostgreSQL in a snapshot, at most once per quiet
period), and the user's first request is served from the store."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from chartdata import SPIRAL, ct_events, equipment, study
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.utils import timezone

from openrem.charts import versioning, warm
from openrem.charts.models import ChartDataVersion, StoredChart
from openrem.charts.options import ChartOptions, save_options
from openrem.modalities.registry import MODALITIES

pytestmark = pytest.mark.django_db(transaction=True)
DAY = dt.datetime(2024, 3, 4, 10, 30)


@pytest.fixture
def ct_data(db: Any) -> None:
    scanner = equipment("CT one")
    first = study("CT", scanner, DAY, study_description="Head", total_dlp=100.0)
    ct_events(first, ("Head routine", SPIRAL, 60.0, 40.0), ("Head routine", SPIRAL, 40.0, 30.0))


def _viewer(name: str) -> tuple[User, Client]:
    user = User.objects.create(username=name)
    user.groups.add(Group.objects.get_or_create(name="viewgroup")[0])
    client = Client()
    client.force_login(user)
    return user, client


def _default_ct_charts() -> list[str]:
    return ChartOptions().for_modality(MODALITIES["ct"]).charts


def test_the_trigger_records_when_the_data_changed(ct_data: None) -> None:
    long_ago = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    ChartDataVersion.objects.update(changed_at=long_ago)
    assert versioning.last_change(["dose_ctevent"]) == long_ago
    ct_events(study("CT", equipment("CT two"), DAY, study_description="Neck"), ("Neck", SPIRAL, 5.0, 2.0))
    changed = versioning.last_change(["dose_ctevent"])
    assert changed is not None and long_ago < changed <= timezone.now()
    assert versioning.last_change([versioning.GLOBAL]) == long_ago  # an import leaves the global scope alone


def test_changing_data_is_computed_at_the_pace_of_the_quiet_period(ct_data: None) -> None:
    charts = len(_default_ct_charts())
    report = warm.precompute(quiet_s=3600)
    if connection.vendor != "postgresql":  # the data changed within the hour: a result could not be stored
        assert report.charts == 0 and report.waiting == charts
        assert not StoredChart.objects.exists()
        return
    # PostgreSQL: computed in one snapshot, stored at once; while the data goes on changing, each
    # chart is computed again once its stored numbers are older than the quiet period
    assert report.charts == charts and StoredChart.objects.count() == charts
    ct_events(study("CT", equipment("CT two"), DAY, study_description="Neck"), ("Neck", SPIRAL, 5.0, 2.0))
    again = warm.precompute(quiet_s=3600)
    assert again.charts == 0 and again.waiting == charts
    StoredChart.objects.update(computed_at=timezone.now() - dt.timedelta(hours=2))
    assert warm.precompute(quiet_s=3600).charts == charts


def test_new_radiographs_do_not_hold_back_the_ct_charts(ct_data: None) -> None:
    ChartDataVersion.objects.update(changed_at=timezone.now() - dt.timedelta(hours=1))
    warm.precompute(quiet_s=3600)
    ct_rows = dict(StoredChart.objects.values_list("key", "created_at"))
    assert len(ct_rows) == len(_default_ct_charts())
    study("DX", equipment("Room 1"), DAY, study_description="Chest PA", patient_weight=80.0)
    StoredChart.objects.update(computed_at=timezone.now() - dt.timedelta(hours=2))
    report = warm.precompute(quiet_s=3600)
    assert report.charts >= len(_default_ct_charts())
    # the stored CT numbers are still current: found, not written again
    assert {k: v for k, v in StoredChart.objects.values_list("key", "created_at") if k in ct_rows} == ct_rows
    dx_defaults = ChartOptions().for_modality(MODALITIES["dx"]).charts
    if connection.vendor == "postgresql":  # computed in a snapshot at once
        assert report.modalities == ["ct", "dx"] and report.charts == len(ct_rows) + len(dx_defaults)
    else:  # the radiographs just changed: they wait for the quiet period
        assert report.modalities == ["ct"] and report.waiting == len(dx_defaults) > 0


def test_the_first_view_is_served_from_the_precomputed_store(ct_data: None) -> None:
    report = warm.precompute(quiet_s=0)
    assert report.modalities == ["ct"] and report.charts == len(_default_ct_charts())
    keys = set(StoredChart.objects.values_list("key", flat=True))
    assert len(keys) == len(_default_ct_charts())
    _user, client = _viewer("first-view")
    for chart_id in _default_ct_charts():
        response = client.get(f"/api/charts/ct/{chart_id}/")
        assert response.status_code == 200, response.content
    # a miss would have stored a result under a key of its own
    assert set(StoredChart.objects.values_list("key", flat=True)) == keys


def test_saved_options_of_users_are_computed_too(ct_data: None) -> None:
    user, client = _viewer("own-options")
    save_options(user, ChartOptions(per_system=True, histograms=True))
    report = warm.precompute(quiet_s=0)
    assert report.charts == 2 * len(_default_ct_charts())
    keys = set(StoredChart.objects.values_list("key", flat=True))
    response = client.get(f"/api/charts/ct/{_default_ct_charts()[0]}/")
    assert response.status_code == 200
    assert set(StoredChart.objects.values_list("key", flat=True)) == keys


def test_a_second_run_finds_everything_stored(ct_data: None) -> None:
    warm.precompute(quiet_s=0)
    created = dict(StoredChart.objects.values_list("key", "created_at"))
    again = warm.precompute(quiet_s=0)
    assert again.charts == len(_default_ct_charts())
    assert dict(StoredChart.objects.values_list("key", "created_at")) == created  # read, not written


def test_new_data_makes_the_next_run_compute_again(ct_data: None) -> None:
    warm.precompute(quiet_s=0)
    before = dict(StoredChart.objects.values_list("key", "data_version"))
    ct_events(study("CT", equipment("CT two"), DAY, study_description="Chest", total_dlp=5.0),
              ("Chest", SPIRAL, 5.0, 2.0))
    assert warm.precompute().charts == 0  # just changed (SQLite) or just computed (PostgreSQL): waits
    ChartDataVersion.objects.update(changed_at=timezone.now() - dt.timedelta(hours=1))
    StoredChart.objects.update(computed_at=timezone.now() - dt.timedelta(hours=1))
    assert warm.precompute().charts == len(_default_ct_charts())
    after = dict(StoredChart.objects.values_list("key", "data_version"))
    assert set(after) == set(before) and all(after[k] != before[k] for k in before)


def test_the_periodic_worker_task_follows_its_settings(ct_data: None, settings: Any) -> None:
    from huey.contrib.djhuey import HUEY

    from openrem.charts.tasks import precompute_charts

    due = HUEY.read_periodic(dt.datetime(2026, 1, 5, 3, 17))  # the consumer asks this every minute
    assert "precompute_charts" in {task.name for task in due}
    settings.CHART_PRECOMPUTE_QUIET_S = 0
    settings.CHART_PRECOMPUTE = False
    precompute_charts.call_local()
    assert not StoredChart.objects.exists()
    settings.CHART_PRECOMPUTE = True
    precompute_charts.call_local()
    assert StoredChart.objects.count() == len(_default_ct_charts())


def test_options_of_users_not_seen_for_a_month_are_left_out(ct_data: None) -> None:
    user, _client = _viewer("away")
    save_options(user, ChartOptions(per_system=True))
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - dt.timedelta(days=31))
    assert warm.precompute(quiet_s=0).charts == len(_default_ct_charts())


def test_one_precomputation_at_a_time(ct_data: None, settings: Any) -> None:
    from huey.contrib.djhuey import HUEY

    from openrem.charts.tasks import LOCK, precompute_charts

    settings.CHART_PRECOMPUTE_QUIET_S = 0
    with HUEY.lock_task(LOCK):  # another worker is running it
        precompute_charts.call_local()
        assert not StoredChart.objects.exists()
    precompute_charts.call_local()
    assert StoredChart.objects.count() == len(_default_ct_charts())


def test_charts_computed_side_by_side_are_those_computed_in_turn(ct_data: None, settings: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    settings.CHART_PRECOMPUTE_PARALLEL = 1
    warm.precompute(quiet_s=0)
    in_turn = dict(StoredChart.objects.values_list("key", "payload"))
    assert len(in_turn) == len(_default_ct_charts())
    StoredChart.objects.all().delete()
    threads: set[str] = set()
    original = warm.chart_data

    def recorded(*args: Any, **kwargs: Any) -> Any:
        threads.add(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(warm, "chart_data", recorded)
    settings.CHART_PRECOMPUTE_PARALLEL = 2
    report = warm.precompute(quiet_s=0)
    assert report.charts == len(in_turn)
    assert dict(StoredChart.objects.values_list("key", "payload")) == in_turn
    assert threads and all(name.startswith("chart-precompute") for name in threads)
