"""The grouped statistics of the database (``openrem.charts.stats.summaries``: PostgreSQL's one-pass
statement of sorted arrays, SQLite's sorted rows) against the pure reference ``summarise_sorted``
on groups chosen to hit every edge: one and two values, all values equal, ties on the fences, more
than ``OUTLIER_CAP`` outliers on each side, outliers on one side only, duplicates."""

from __future__ import annotations

import random
from typing import Any

import pytest
from chartdata import equipment
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce

from openrem.charts import stats
from openrem.dose.models import Study

GROUPS: dict[str, list[float]] = {
    "one": [7.5],
    "two": [1.0, 4.0],
    "equal": [3.0] * 9,
    # Q1 = 2, Q3 = 4 (IQR 2): fences -1 and 7 are values themselves (inside, not outliers)
    "fence ties": [-1.0, -1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 7.0, 7.0],
    # Q1 = 0, Q3 = 1: 30 outliers on each side
    "many outliers": [*range(-1000, -970), *([0.0] * 100), *([1.0] * 100), *range(1000, 1030)],
    "high only": [*([10.0] * 20), 11.0, 12.0, 500.0, 900.0],
    "low only": [-800.0, *range(1, 12)],
}


@pytest.fixture
def grouped(db: Any) -> Any:
    rng = random.Random(20261202)
    scanner = equipment("Scanner")
    groups = {**GROUPS, "random": [round(rng.lognormvariate(5, 1), 3) for _ in range(997)]}
    Study.objects.bulk_create(
        Study(study_instance_uid=f"1.9.{name}.{i}", modality_type="CT", source_kind="test", study_description=name,
              equipment=scanner,
              total_dlp=float(v))
        for name, values in groups.items() for i, v in enumerate(rng.sample(values, len(values))))
    Study.objects.create(study_instance_uid="1.9.none", modality_type="CT", source_kind="test",
                         equipment=scanner, study_description="one", total_dlp=None)
    qs = Study.objects.filter(modality_type="CT", total_dlp__isnull=False).annotate(
        cat=Coalesce(F("study_description"), Value(""), output_field=TextField()),
        sys=Value("", output_field=TextField()), val=F("total_dlp"))
    return qs, groups


def test_summaries_match_the_reference(grouped: Any) -> None:
    qs, groups = grouped
    rows = {r["cat"]: r for r in stats.summaries(qs, ["cat", "sys"])}
    assert set(rows) == set(groups)
    for name, values in groups.items():
        expected = stats.summarise_sorted(sorted(float(v) for v in values))
        got = rows[name]
        for key in ("n", "median", "q1", "q3", "min", "max", "lower_whisker", "upper_whisker", "n_outliers",
                    "outliers"):
            assert got[key] == expected[key], (name, key)
        assert got["mean"] == pytest.approx(expected["mean"], rel=1e-12), name


def test_outliers_are_capped_at_the_most_extreme(grouped: Any) -> None:
    qs, _groups = grouped
    rows = {r["cat"]: r for r in stats.summaries(qs, ["cat", "sys"])}
    many = rows["many outliers"]
    assert many["n_outliers"] == 60
    assert many["outliers"][: stats.OUTLIER_CAP] == [float(v) for v in range(-1000, -1000 + stats.OUTLIER_CAP)]
    assert many["outliers"][stats.OUTLIER_CAP:] == [float(v) for v in range(1030 - stats.OUTLIER_CAP, 1030)]
    assert rows["high only"]["outliers"] == [11.0, 12.0, 500.0, 900.0]
    assert rows["low only"]["outliers"] == [-800.0]
    assert rows["fence ties"]["n_outliers"] == 0
    assert (rows["fence ties"]["lower_whisker"], rows["fence ties"]["upper_whisker"]) == (-1.0, 7.0)
