"""Fixtures of the chart tests: a superuser and the filtered study list of a modality."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # chartdata


@pytest.fixture
def superuser(db: Any) -> Any:
    from django.contrib.auth.models import User

    return User.objects.create(username="chart-admin", is_superuser=True)


@pytest.fixture
def compute(superuser: Any) -> Any:
    """``compute(slug, chart_id, options=None, *, allow_stale=False, **filters)``: the chart data over
    the filtered list."""
    from openrem.charts.compute import chart_data
    from openrem.charts.options import ChartOptions
    from openrem.modalities.registry import MODALITIES
    from openrem.web.filtering import filtered_studies

    def run(slug: str, chart_id: str, options: Any = None, *, allow_stale: bool = False,
            **filters: Any) -> dict[str, Any]:
        modality = MODALITIES[slug]
        chart = modality.chart(chart_id)
        assert chart is not None, chart_id
        studies, form = filtered_studies(modality, superuser, filters)
        assert form.is_valid(), form.errors
        return chart_data(modality, chart, studies, options or ChartOptions(), allow_stale=allow_stale)

    return run

