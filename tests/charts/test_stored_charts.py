"""Stored chart results (openrem.charts.results) and the data version (openrem.charts.versioning).

These tests commit (``transaction=True``): the data version is raised when a change commits, and
nothing is stored or reused inside an open transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest
from chartdata import SPIRAL, by_category, ct_events, equipment, projection_events, study
from django.db import connection, transaction

from openrem.charts import results, versioning
from openrem.charts.models import StoredChart
from openrem.dose.models import CtEvent, StandardName, Study, UniqueEquipment
from openrem.modalities.registry import MODALITIES

pytestmark = pytest.mark.django_db(transaction=True)
DAY = dt.datetime(2024, 3, 4, 10, 30)


@pytest.fixture
def ct_data(db: Any) -> Study:
    scanner = equipment("CT one")
    first = study("CT", scanner, DAY, study_description="Head", total_dlp=100.0, patient_weight=70.0)
    ct_events(first, ("Head routine", SPIRAL, 60.0, 40.0), ("Head routine", SPIRAL, 40.0, 30.0))
    second = study("CT", scanner, DAY + dt.timedelta(days=40), study_description="Chest", total_dlp=300.0)
    ct_events(second, ("Chest", SPIRAL, 300.0, 10.0))
    return first


def _dlp_means(compute: Any) -> dict[Any, float]:
    return {k: r["mean"] for k, r in by_category(compute("ct", "acquisition_protocol_dlp")).items()}


def test_every_dose_table_has_the_trigger() -> None:
    tables = versioning.watched_tables()
    assert {"dose_study", "dose_ctevent", "dose_uniqueequipment", "dose_standardname"} <= set(tables)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                           "WHERE t.tgname = %s", [versioning.TRIGGER])
        else:
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                           [f"{versioning.TRIGGER}_%_insert"])
        covered = {row[0] for row in cursor.fetchall()}
    assert set(tables) <= covered


def _version(scope: str) -> int:
    return versioning.versions(scopes=[scope]).get(scope, 0)


def test_each_kind_of_change_raises_the_version_of_its_scope(ct_data: Study) -> None:
    changes = [
        ("dose_ctevent", lambda: ct_events(ct_data, ("Added", SPIRAL, 1.0, 1.0))),
        ("dose_study:CT", lambda: Study.objects.filter(pk=ct_data.pk).update(patient_weight=71.0)),
        ("dose_ctevent", lambda: CtEvent.objects.filter(acquisition_protocol="Added").delete()),
        ("dose_uniqueequipment", lambda: UniqueEquipment.objects.update(display_name="CT renamed")),
        ("dose_standardname", lambda: StandardName.objects.create(standard_name="Head", modality="CT",
                                                                  study_description="Head")),
        ("dose_study:CT", lambda: Study.objects.filter(pk=ct_data.pk).delete()),
    ]
    for scope, change in changes:
        before = _version(scope)
        change()
        assert _version(scope) > before, scope


def test_studies_are_scoped_by_modality_type(ct_data: Study) -> None:
    ct, dx = _version("dose_study:CT"), _version("dose_study:DX")
    study("DX", equipment("Room 1"), DAY, study_description="Chest PA")
    assert (_version("dose_study:CT"), _version("dose_study:DX")) == (ct, dx + 1)
    Study.objects.filter(pk=ct_data.pk).update(modality_type="DX")  # both lists change
    assert _version("dose_study:CT") == ct + 1 and _version("dose_study:DX") == dx + 2


def test_one_raise_per_transaction_and_none_before_commit(ct_data: Study) -> None:
    before = _version("dose_ctevent")
    with transaction.atomic():
        for i in range(5):
            ct_events(ct_data, (f"P{i}", SPIRAL, 1.0, 1.0))
        if connection.vendor == "postgresql":  # deferred to the commit: the new data is not committed yet
            assert _version("dose_ctevent") == before
    after = _version("dose_ctevent")
    assert after > before
    if connection.vendor == "postgresql":
        assert after == before + 1


def test_rows_after_an_early_constraint_check_and_after_a_rolled_back_savepoint_count(ct_data: Study) -> None:
    """PostgreSQL: the raise queued by a transaction's first row may fire early (SET CONSTRAINTS ALL
    IMMEDIATE, as Django's loaddata does) or be rolled back with a savepoint; later rows still count."""
    events, studies = _version("dose_ctevent"), _version("dose_study:CT")
    with transaction.atomic():
        ct_events(ct_data, ("Early", SPIRAL, 1.0, 1.0))
        connection.check_constraints()  # fires deferred triggers now (PostgreSQL)
        Study.objects.filter(pk=ct_data.pk).update(patient_weight=72.0)
    assert _version("dose_ctevent") > events and _version("dose_study:CT") > studies
    studies = _version("dose_study:CT")
    with transaction.atomic():
        try:
            with transaction.atomic():
                ct_events(ct_data, ("Rolled back", SPIRAL, 1.0, 1.0))
                raise RuntimeError
        except RuntimeError:
            pass
        Study.objects.filter(pk=ct_data.pk).update(patient_weight=73.0)
    assert _version("dose_study:CT") > studies
    assert not CtEvent.objects.filter(acquisition_protocol="Rolled back").exists()


def test_a_stored_result_is_reused_until_the_data_changes(ct_data: Study, compute: Any) -> None:
    first = _dlp_means(compute)
    assert first == {"Head routine": 50.0, "Chest": 300.0}
    stored = StoredChart.objects.get()
    assert len(stored.data_version) == 64
    # the second request reads the stored row: a marker written into it comes back
    payload = json.loads(stored.payload)
    payload["rows"][0]["mean"] = -1.0
    StoredChart.objects.filter(pk=stored.pk).update(payload=json.dumps(payload))
    assert -1.0 in _dlp_means(compute).values()
    # new data: the version changes, the numbers are computed again from the data
    ct_events(ct_data, ("Head routine", SPIRAL, 20.0, 10.0))
    assert _dlp_means(compute) == {"Head routine": 40.0, "Chest": 300.0}
    assert StoredChart.objects.count() == 1  # the stale row was replaced


def test_other_modalities_leave_a_stored_ct_result_valid(ct_data: Study, compute: Any) -> None:
    compute("ct", "acquisition_protocol_dlp")
    stored = StoredChart.objects.get()
    payload = json.loads(stored.payload)
    payload["rows"][0]["mean"] = -1.0  # a marker: present only when the stored row is served
    StoredChart.objects.filter(pk=stored.pk).update(payload=json.dumps(payload))
    dx = study("DX", equipment("Room 1"), DAY, study_description="Chest PA", patient_weight=80.0)
    projection_events(dx, {"acquisition_protocol": "PA", "dose_area_product": 1.2e-5, "kvp": 120.0})
    assert -1.0 in _dlp_means(compute).values()
    ct_events(study("CT", equipment("CT two"), DAY, study_description="Neck", total_dlp=5.0),
              ("Neck", SPIRAL, 5.0, 2.0))
    assert -1.0 not in _dlp_means(compute).values()


def test_options_and_filters_are_part_of_the_key(ct_data: Study, compute: Any) -> None:
    from openrem.charts.options import ChartOptions

    compute("ct", "acquisition_protocol_dlp")
    compute("ct", "acquisition_protocol_dlp", date_from="2024-04-01")
    compute("ct", "acquisition_protocol_dlp", ChartOptions(ct_acquisition_types=["sequenced"]))
    compute("ct", "acquisition_protocol_dlp", ChartOptions(histograms=True))
    compute("ct", "acquisition_protocol_dlp", ChartOptions(histograms=True, histogram_bins=5))
    assert StoredChart.objects.count() == 5
    only_april = by_category(compute("ct", "acquisition_protocol_dlp", date_from="2024-04-01"))
    assert set(only_april) == {"Chest"}


def test_stored_and_computed_answers_are_identical_for_every_chart(ct_data: Study, compute: Any) -> None:
    scanner = equipment("Room 1")
    dx = study("DX", scanner, DAY, study_description="Chest PA", patient_weight=80.0)
    projection_events(dx, {"acquisition_protocol": "PA", "dose_area_product": 1.2e-5, "kvp": 120.0})
    for slug, modality in MODALITIES.items():
        for chart in modality.charts:
            computed = compute(slug, chart.id)
            stored = compute(slug, chart.id)
            assert stored == computed, (slug, chart.id)
    assert StoredChart.objects.count() >= sum(len(m.charts) for m in MODALITIES.values())


def test_nothing_is_stored_inside_a_transaction(ct_data: Study, compute: Any) -> None:
    with transaction.atomic():
        assert _dlp_means(compute) == {"Head routine": 50.0, "Chest": 300.0}
    assert not StoredChart.objects.exists()


def _import_on_another_connection(target: Study, *events: Any) -> None:
    """Import ``events`` of ``target`` in another thread (its own connection), committed on return."""
    def run() -> None:
        try:
            ct_events(target, *events)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()


def _dlp_request(superuser: Any) -> Any:
    from openrem.charts.compute import chart_request
    from openrem.charts.options import ChartOptions
    from openrem.web.filtering import filtered_studies

    modality = MODALITIES["ct"]
    chart = modality.chart("acquisition_protocol_dlp")
    assert chart is not None
    return chart_request(modality, chart, filtered_studies(modality, superuser, {})[0], ChartOptions())


def test_an_import_committing_during_the_aggregation(ct_data: Study, superuser: Any, compute: Any) -> None:
    request = _dlp_request(superuser)

    def compute_while_an_import_commits() -> dict[str, Any]:
        _import_on_another_connection(ct_data, ("Late", SPIRAL, 5.0, 5.0))
        return dict(request.compute())

    answer = results.stored_or_computed(request.parts, compute_while_an_import_commits, request.using,
                                        request.scopes)
    assert answer.current is False  # the data changed after the numbers were read
    shown = {r["category"] for r in answer.data["rows"]}
    if connection.vendor == "postgresql":
        # one snapshot: the numbers are those of the data before the import, and stored as such
        assert shown == {"Head routine", "Chest"}
        assert StoredChart.objects.count() == 1
        assert StoredChart.objects.get().computed_at == answer.computed_at
    else:  # the versions read before and after differ: nothing is stored
        assert "Late" in shown
        assert not StoredChart.objects.exists()
    fresh = compute("ct", "acquisition_protocol_dlp")  # asked for current numbers: computed again
    assert fresh["current"] is True and "Late" in fresh["categories"]
    assert StoredChart.objects.count() == 1


def test_stored_numbers_of_older_data_only_when_asked(ct_data: Study, compute: Any) -> None:
    first = compute("ct", "acquisition_protocol_dlp")
    assert first["current"] is True
    ct_events(ct_data, ("Head routine", SPIRAL, 20.0, 10.0))
    stale = compute("ct", "acquisition_protocol_dlp", allow_stale=True)
    assert stale["current"] is False and stale["computed_at"] == first["computed_at"]
    assert stale["rows"] == first["rows"]
    fresh = compute("ct", "acquisition_protocol_dlp")
    assert fresh["current"] is True and fresh["computed_at"] > first["computed_at"]
    assert {k: r["mean"] for k, r in by_category(fresh).items()} == {"Head routine": 40.0, "Chest": 300.0}
    again = compute("ct", "acquisition_protocol_dlp", allow_stale=True)  # current ones exist: those
    assert again == fresh


def test_the_api_answers_older_numbers_only_with_stale(ct_data: Study) -> None:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user = User.objects.create(username="stale-viewer")
    user.groups.add(Group.objects.get_or_create(name="viewgroup")[0])
    client = Client()
    client.force_login(user)
    url = "/api/charts/ct/acquisition_protocol_dlp/"
    first = client.get(url).json()
    assert first["current"] is True and dt.datetime.fromisoformat(first["computed_at"])
    ct_events(ct_data, ("Head routine", SPIRAL, 20.0, 10.0))
    stale = client.get(url + "?stale=1").json()
    assert stale["current"] is False and stale["rows"] == first["rows"]
    assert stale["computed_at"] == first["computed_at"]
    fresh = client.get(url).json()
    assert fresh["current"] is True and fresh["rows"] != first["rows"]
    assert client.get(url + "?stale=1").json() == fresh
    assert Client().get(url + "?stale=1").status_code == 401


def test_numbers_of_older_data_never_replace_newer_ones(ct_data: Study, compute: Any) -> None:
    compute("ct", "acquisition_protocol_dlp")
    row = StoredChart.objects.get()
    older = versioning.DataVersion("0" * 64, row.data_seq - 1)
    results._store(row.key, older, row.computed_at, '{"rows": []}', 1, "default")
    assert StoredChart.objects.get().payload == row.payload
    newer = versioning.DataVersion("1" * 64, row.data_seq + 1)
    results._store(row.key, newer, row.computed_at, '{"rows": []}', 1, "default")
    assert StoredChart.objects.get().payload == '{"rows": []}'


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: advisory lock")
def test_one_computation_per_request_at_a_time(ct_data: Study, superuser: Any) -> None:
    """A second identical request while the first computes waits for it and is served its numbers."""
    request = _dlp_request(superuser)
    started, release, calls, answers = threading.Event(), threading.Event(), [], []

    def slow() -> dict[str, Any]:
        calls.append(1)
        started.set()
        release.wait()
        return dict(request.compute())

    def ask() -> None:
        try:
            answers.append(results.stored_or_computed(request.parts, slow, request.using, request.scopes))
        finally:
            connection.close()

    first, second = threading.Thread(target=ask), threading.Thread(target=ask)
    first.start()
    try:
        assert started.wait(120), "the first request did not start computing"
        second.start()
        with connection.cursor() as cursor:  # the second one waits for the lock of the first
            for _ in range(1000):
                cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
                if cursor.fetchone()[0]:
                    break
                threading.Event().wait(0.02)
            else:
                raise AssertionError("the second request did not wait")
    finally:
        release.set()  # never leave the first one blocked
        first.join()
        if second.is_alive() or second.ident is not None:
            second.join()
    assert len(calls) == 1 and len(answers) == 2
    assert answers[0].data == answers[1].data and all(a.current for a in answers)


def test_migrate_drops_stored_results(ct_data: Study, compute: Any) -> None:
    compute("ct", "acquisition_protocol_dlp")
    before = _version(versioning.GLOBAL)
    versioning.install()
    assert not StoredChart.objects.exists()
    assert _version(versioning.GLOBAL) > before


def test_every_table_a_chart_reads_raises_the_version(superuser: Any) -> None:
    """A chart reading a table without the trigger could be served stale: the row query of every
    declared chart, with the options that change its joins, reads only watched tables."""
    import re

    from django.apps import apps

    from openrem.charts.options import ChartOptions
    from openrem.charts.query import rows
    from openrem.web.filtering import filtered_studies

    every_table = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    watched = set(versioning.watched_tables())
    variants = [ChartOptions(), ChartOptions(per_system=True, split_by_physician=True, case_insensitive=True,
                                             trim_whitespace=True, ct_acquisition_types=["sequenced"])]
    checked = 0
    for modality in MODALITIES.values():
        studies, _form = filtered_studies(modality, superuser, {"study_description": "x"})
        for chart in modality.charts:
            for options in variants:
                sql, _params = rows(modality, chart, studies, options).query.sql_with_params()
                read = set(re.findall(r'"(\w+)"', sql)) & every_table
                assert read and read <= watched, (modality.slug, chart.id, read - watched)
                checked += 1
    assert checked == 2 * sum(len(m.charts) for m in MODALITIES.values())


def test_without_triggers_nothing_is_stored_or_reused(ct_data: Study, compute: Any) -> None:
    versioning.uninstall()
    try:
        assert versioning.fingerprint([versioning.GLOBAL, "dose_ctevent"]) is None
        assert _dlp_means(compute) == {"Head routine": 50.0, "Chest": 300.0}
        assert not StoredChart.objects.exists()
    finally:
        versioning.install()
    compute("ct", "acquisition_protocol_dlp")
    assert StoredChart.objects.count() == 1


def test_concurrent_imports_and_deletions_all_commit(ct_data: Study) -> None:
    """Imports in four threads (each with its own database connection) and deletions beside them:
    every transaction commits and the versions follow. (A smoke test of the locking at commit: it
    does not show the sorted order, which this load also survives when shuffled.)"""
    import random
    import threading

    from django.db import connections

    from openrem.dicom import synth
    from openrem.dicom.parse import parse_bytes
    from openrem.dose.ingest import ingest

    builder, device_maker = synth.BUILDERS["CT"]
    rng = random.Random(3)
    rooms = [device_maker(rng) for _ in range(2)]
    blobs = [[synth.to_bytes(builder(rng, device=rng.choice(rooms))) for _ in range(8)] for _ in range(4)]
    errors: list[BaseException] = []
    events_before, studies_before = _version("dose_ctevent"), _version("dose_study:CT")

    def importer(batch: list[bytes]) -> None:
        try:
            for blob in batch:
                parsed = parse_bytes(blob)
                assert parsed.report is not None, parsed.reason
                ingest(parsed.report)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def deleter() -> None:
        try:
            for _ in range(8):
                victim = Study.objects.filter(modality_type="CT").order_by("?").first()
                if victim is not None:
                    victim.delete()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=importer, args=(batch,)) for batch in blobs]
    threads.append(threading.Thread(target=deleter))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert _version("dose_ctevent") > events_before and _version("dose_study:CT") > studies_before
    assert Study.objects.filter(modality_type="CT").count() >= 2 + 32 - 8


def test_reversing_the_migration_leaves_the_dose_store_writable(ct_data: Study, compute: Any) -> None:
    from django.core.management import call_command

    call_command("migrate", "charts", "0001", verbosity=0)
    try:
        ct_events(ct_data, ("After reversal", SPIRAL, 1.0, 1.0))  # no trigger writes a missing table
        assert CtEvent.objects.filter(acquisition_protocol="After reversal").exists()
        if connection.vendor == "postgresql":  # nothing of the rank index is left; charts are computed
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_proc WHERE proname LIKE 'openrem_rank%%'")
                assert cursor.fetchone()[0] == 0
                cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'openrem_rank%%'")
                assert cursor.fetchone()[0] == 0
            from openrem.charts.rankanswer import ready_family
            from openrem.charts.rankfamilies import families

            assert ready_family("default", families()[0]) is None
    finally:
        call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        from openrem.charts import rankindex

        assert all(n == 0 for n in rankindex.verify().values())
    before = _version("dose_ctevent")
    ct_events(ct_data, ("After migrate", SPIRAL, 1.0, 1.0))
    assert _version("dose_ctevent") > before
