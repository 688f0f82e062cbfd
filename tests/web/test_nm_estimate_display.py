"""The NM effective dose estimate on the NM detail page and in the NM list, apart from the reported value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from openrem.dose.services import import_file
from openrem.modalities.units import format_quantity

pytestmark = [pytest.mark.django_db, pytest.mark.shared]
Sample = Callable[[str], Path]
LIST = reverse("study_list", kwargs={"slug": "nm"})


def _pk(sample: Sample, name: str) -> int:
    outcome = import_file(sample(name))
    assert not outcome.failed and outcome.study_pk is not None, outcome.line()
    return outcome.study_pk


def test_detail_shows_labelled_estimate_and_reported_value(viewer: Client, sample: Sample) -> None:
    pk = _pk(sample, "NM-RRDSR-Siemens.dcm")
    page = viewer.get(reverse("study_detail", args=["nm", pk])).content.decode()
    estimate = page.split('id="nm-effective-dose-estimate">', 1)[1].split("</td>", 1)[0]
    assert estimate.startswith(format_quantity(394 * 0.019, "effective_dose"))  # 394 MBq x 0.019 mSv/MBq
    assert estimate.startswith("7.49")  # 7.486 mSv at 3 significant figures
    assert "population-average estimate, not patient dose" in estimate
    assert "fdg" in estimate and "nm_e_per_activity_icrp_adult" in estimate
    assert "Effective dose (reported)" in page


def test_detail_without_coefficient_says_not_available(viewer: Client, sample: Sample) -> None:
    pk = _pk(sample, "NM-NmIm-Siemens.dcm")
    page = viewer.get(reverse("study_detail", args=["nm", pk])).content.decode()
    assert "not available (radiopharmaceutical without coefficient)" in page


def test_list_column(viewer: Client, sample: Sample) -> None:
    with_estimate, without = _pk(sample, "NM-RRDSR-Siemens.dcm"), _pk(sample, "NM-NmIm-Siemens.dcm")
    response = viewer.get(f"{LIST}?o=-effective_dose")
    assert 'data-key="effective_dose"' in response.content.decode()
    cells = {study.pk: [text for text, _ in row] for study, row in response.context["rows"]}
    assert set(cells) == {with_estimate, without}
    assert format_quantity(394 * 0.019, "effective_dose") in cells[with_estimate]  # 7.49 mSv
    assert format_quantity(394 * 0.019, "effective_dose") not in cells[without]
