"""The rank index (PostgreSQL): the numbers it gives for every indexed chart equal those of the
computed chart, on generated data with ties, zeros, blank and padded names, excluded acquisition
types and other modalities' studies, before and after the changes an installation sees (imports,
deletions, edits of a study's description or modality type, a changed value, a dose report moved
to another study, merging of the bin rows, a rebuild)."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from typing import Any

import pytest
from chartdata import (
    LOCALISER,
    SEQUENCED,
    SPIRAL,
    administration,
    ct_events,
    equipment,
    projection_events,
    study,
)
from django.db import connection

from openrem.charts import rankanswer, rankindex
from openrem.charts.compute import _aggregate, _from_index
from openrem.charts.options import ChartOptions
from openrem.charts.query import rows, series
from openrem.charts.rankfamilies import families
from openrem.dose.models import CtEvent, CtRadiationDose, Study
from openrem.modalities.registry import MODALITIES
from openrem.web.filtering import base_queryset

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: the rank index")

NAMES = ["Head", "head", " Head  ", "CHEST  abdomen", "Chest abdomen", "", None, "Knee"]
WHEN = dt.datetime(2025, 3, 4, 10, 0)
ROOMS = itertools.count(1)
OPTION_SETS = [ChartOptions(), ChartOptions(case_insensitive=True, trim_whitespace=True),
               ChartOptions(ct_acquisition_types=["spiral", "sequenced", "constant_angle", "stationary", "free",
                                                 "cone_beam"], trim_whitespace=True)]


def _value(rng: random.Random) -> float | None:
    pick = rng.random()
    if pick < 0.05:
        return None
    if pick < 0.1:
        return 0.0
    if pick < 0.3:
        return float(rng.choice([100, 250, 250.5]))  # ties
    if pick < 0.32:
        return rng.uniform(1e4, 1e5)  # outliers
    return round(rng.lognormvariate(5, 0.8), rng.choice([0, 2, 6]))


def _load(rng: random.Random, studies: int) -> None:
    systems = [equipment(f"R{next(ROOMS)}") for _ in range(3)]
    codes = [SPIRAL, SPIRAL, SEQUENCED, LOCALISER, None]
    for _ in range(studies):
        kind = rng.choice(["CT", "CT", "CT", "DX", "RF", "MG", "NM", "CR"])
        s = study(kind, rng.choice(systems), WHEN, study_description=rng.choice(NAMES),
                  requested_procedure_code_meaning=rng.choice(NAMES), total_dlp=_value(rng), total_dap=_value(rng),
                  total_administered_activity=_value(rng))
        if kind == "CT":
            ct_events(s, *[(rng.choice(NAMES), rng.choice(codes), _value(rng), _value(rng))
                           for _ in range(rng.randint(0, 4))])
        elif kind in ("DX", "MG", "CR", "RF"):
            projection_events(s, *[{"acquisition_protocol": rng.choice(NAMES), "dose_area_product": _value(rng),
                                    "average_glandular_dose": _value(rng)} for _ in range(rng.randint(0, 3))])
        else:
            administration(s, rng.uniform(10, 800))


def _compare(options: ChartOptions) -> int:
    """Compare every indexed chart's rows with the computed ones; returns the number of rows compared."""
    compared = 0
    for family in families():
        modality = MODALITIES[family.modality]
        chart = modality.chart(family.chart_id)
        assert chart is not None
        studies = base_queryset(modality)
        indexed = _from_index(modality, chart, studies, options, series(modality, chart, options) is None)
        assert indexed is not None, family.key
        computed = _aggregate(chart, rows(modality, chart, studies, options), options, "month", True)
        want = {r["category"]: r for r in computed["rows"]}
        have = {r["category"]: r for r in indexed["rows"]}
        assert set(have) == set(want), family.key
        for name, row in want.items():
            got = have[name]
            for key in ("n", "median", "q1", "q3", "min", "max", "lower_whisker", "upper_whisker", "n_outliers",
                        "outliers", "system"):
                assert got[key] == row[key], (family.key, name, key, got[key], row[key])
            assert math.isclose(got["mean"], row["mean"], rel_tol=1e-12, abs_tol=1e-12), (family.key, name)
            compared += 1
    return compared


def _exact() -> None:
    assert all(v == 0 for v in rankindex.verify().values()), rankindex.verify()


@pytest.fixture
def indexed(db: Any) -> None:
    rankindex.install()


def test_every_default_average_chart_of_plain_columns_is_indexed() -> None:
    keys = {f.key for f in families()}
    assert {"ct:acquisition_protocol_dlp", "ct:acquisition_protocol_ctdivol", "ct:study_description_dlp",
            "ct:study_description_ctdivol", "dx:acquisition_protocol_dap", "mg:acquisition_protocol_agd",
            "nm:study_description_activity", "rf:study_description_dap"} <= keys


def test_bins_are_in_the_order_of_the_values(indexed: None) -> None:
    rng = random.Random(5)
    values = [0.0, -0.0, 5e-324, -5e-324, 1e308, -1e308, float("inf"), float("-inf"), *(math.e ** k for k in range(-5, 6))]
    values += [v * (1 + d) for v in list(values[8:]) for d in (-1e-16, 1e-16, -2.2e-16, 2.2e-16)]
    values += [rng.uniform(-1e6, 1e6) for _ in range(2000)] + [rng.lognormvariate(0, 5) for _ in range(2000)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {rankindex.PREFIX}_bin(v) FROM unnest(%s::float8[]) v ORDER BY v", [values])
        bins = [b for (b,) in cursor.fetchall()]
    assert bins == sorted(bins)


def test_indexed_numbers_equal_the_computed_ones(indexed: None) -> None:
    _load(random.Random(11), 220)
    _exact()
    for options in OPTION_SETS:
        assert _compare(options) > 20


def test_indexed_numbers_follow_every_change(indexed: None) -> None:
    rng = random.Random(12)
    _load(rng, 160)
    ct = list(Study.objects.filter(modality_type="CT").order_by("pk"))
    for s in ct[:10]:  # deletion (events first, as the ORM does)
        s.delete()
    for s in ct[10:20]:  # a new description (event charts grouped by it follow)
        Study.objects.filter(pk=s.pk).update(study_description=rng.choice(NAMES), total_dlp=_value(rng))
    Study.objects.filter(pk__in=[s.pk for s in ct[20:25]]).update(modality_type="DX")  # re-typed
    for event in CtEvent.objects.order_by("pk")[:15]:
        event.dlp = _value(rng)
        event.acquisition_protocol = rng.choice(NAMES)
        event.save()
    report = CtRadiationDose.objects.filter(parent__modality_type="CT").order_by("pk").first()
    assert report is not None
    report.parent = Study.objects.filter(modality_type="DX").order_by("pk").first()  # moved to another study
    report.save()
    _load(rng, 40)
    _exact()
    assert _compare(ChartOptions()) > 10
    assert rankindex.compact() > 0
    _exact()
    for options in OPTION_SETS:
        assert _compare(options) > 10
    assert rankindex.rebuild_all() == len(families())
    _exact()
    assert _compare(ChartOptions()) > 10


def test_only_the_whole_list_with_pooled_systems_is_read_from_the_index(indexed: None, superuser: Any) -> None:
    _load(random.Random(13), 30)
    modality = MODALITIES["ct"]
    chart = modality.chart("acquisition_protocol_dlp")
    assert chart is not None
    whole = base_queryset(modality)
    assert _from_index(modality, chart, whole, ChartOptions(), True) is not None
    filtered = whole.filter(study_description__icontains="head")
    assert _from_index(modality, chart, filtered, ChartOptions(), True) is None
    assert _from_index(modality, chart, whole, ChartOptions(per_system=True), False) is None
    assert _from_index(modality, chart, whole, ChartOptions(histograms=True), True) is None
    rankindex.uninstall()
    assert rankanswer.ready_family("default", families()[0]) is None
    assert _from_index(modality, chart, whole, ChartOptions(), True) is None


def test_an_empty_index_gives_no_rows(indexed: None) -> None:
    for family in families():
        fid = rankanswer.ready_family("default", family)
        assert fid is not None
        assert rankanswer.summaries("default", fid, ChartOptions(), None) == []


def test_truncating_a_source_table_clears_its_families(indexed: None) -> None:
    _load(random.Random(14), 40)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM charts_rankentry")
        before = cursor.fetchone()[0]
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the version triggers' deferred events first
        cursor.execute('TRUNCATE "dose_ctevent" CASCADE')
        cursor.execute("SELECT count(*) FROM charts_rankentry")
        after = cursor.fetchone()[0]
    assert 0 < after < before
    _exact()


def test_chartindex_command_finds_and_repairs_a_difference(indexed: None) -> None:
    from django.core.management import CommandError, call_command

    _load(random.Random(15), 30)
    call_command("chartindex", "--merge")
    call_command("chartindex")  # exact: no error
    with connection.cursor() as cursor:  # a value written with the triggers bypassed
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE dose_ctevent SET dlp = dlp + 1 WHERE dlp IS NOT NULL")
        cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(CommandError, match="differs"):
        call_command("chartindex", "--verify")
    call_command("chartindex", "--rebuild")
    _exact()
    with connection.cursor() as cursor:  # a bin sum (the mean) gone wrong is found too
        cursor.execute("UPDATE charts_rankbin SET total = total * 1.001 + 1 WHERE id = (SELECT min(id) FROM charts_rankbin)")
    assert any(n > 0 for n in rankindex.verify().values())
    call_command("chartindex", "--rebuild")
    _exact()
    assert _compare(ChartOptions()) > 5


def test_a_migration_may_alter_an_indexed_column_and_the_index_is_rebuilt_after_it(indexed: None) -> None:
    from django.db import DatabaseError, transaction

    from openrem.charts import versioning

    _load(random.Random(16), 40)
    alter = 'ALTER TABLE "dose_study" ALTER COLUMN "study_description" TYPE varchar(6000)'
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the version triggers' deferred events first
    with pytest.raises(DatabaseError, match="used in a trigger"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(alter)  # the triggers name the column: refused while they exist
    rankindex.on_pre_migrate(None, "default", plan=[("a migration", False)])
    with connection.cursor() as cursor:
        cursor.execute(alter)
        cursor.execute("UPDATE dose_study SET study_description = 'Renamed' WHERE id IN "
                       "(SELECT id FROM dose_study ORDER BY id LIMIT 10)")  # written while no trigger runs
    assert all(rankanswer.ready_family("default", f) is None for f in families())
    versioning.on_post_migrate(None, "default")
    _exact()
    assert _compare(ChartOptions()) > 5


def test_events_written_before_their_dose_report_or_study_are_indexed(indexed: None) -> None:
    """Foreign keys are checked at commit, so a writer may insert children first."""
    s = study("CT", equipment("Early room"), WHEN, study_description="Early")
    report_id = (CtRadiationDose.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    CtEvent.objects.create(parent_id=report_id, irradiation_event_uid="early-1", acquisition_protocol="Late report",
                           ct_acquisition_type_code=SPIRAL, dlp=12.5, mean_ctdivol=3.0)
    CtRadiationDose.objects.create(pk=report_id, parent=s)
    study_id = (Study.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    CtRadiationDose.objects.create(pk=report_id + 1, parent_id=study_id)
    CtEvent.objects.create(parent_id=report_id + 1, irradiation_event_uid="early-2", acquisition_protocol="Late study",
                           ct_acquisition_type_code=SPIRAL, dlp=7.5, mean_ctdivol=2.0)
    study("CT", equipment("Late room"), WHEN, pk=study_id, study_description="Late")
    _exact()
    indexed_names = {r["category"] for r in _rows_of("ct", "acquisition_protocol_dlp")}
    assert {"Late report", "Late study"} <= indexed_names


def _rows_of(slug: str, chart_id: str) -> list[dict[str, Any]]:
    modality = MODALITIES[slug]
    chart = modality.chart(chart_id)
    assert chart is not None
    data = _from_index(modality, chart, base_queryset(modality), ChartOptions(), True)
    assert data is not None
    return list(data["rows"])
