"""NM effective dose estimate stored at import from the shared RRDSR sample and recomputed by ``derive_estimates``.

NM-RRDSR-Siemens.dcm: one administration of 18F-FDG (agent C-B1031 SRT), 394 MBq. With the ICRP
adult coefficient 1.9E-02 mSv/MBq: E = 394 x 0.019 = 7.486 mSv.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command

from openrem.dose.models import Administration, Study
from openrem.dose.services import import_file

pytestmark = [pytest.mark.django_db, pytest.mark.shared]
Sample = Callable[[str], Path]


def _load(sample: Sample, *names: str) -> Study:
    outcome = None
    for name in names:
        outcome = import_file(sample(name))
        assert not outcome.failed, outcome.line()
    assert outcome is not None and outcome.study_pk is not None
    return Study.objects.get(pk=outcome.study_pk)


def test_rrdsr_import_stores_the_estimate(sample: Sample) -> None:
    study = _load(sample, "NM-RRDSR-Siemens.dcm")
    admin = Administration.objects.get(parent__parent=study)
    assert admin.radiopharmaceutical_agent_code == "C-B1031|SRT"
    assert admin.administered_activity == pytest.approx(394.0)
    assert study.effective_dose_estimate_msv == pytest.approx(394.0 * 0.019)
    assert study.effective_dose_estimate_msv == pytest.approx(7.486)
    assert study.effective_dose_region == "fdg"
    assert study.effective_dose_coefficients == "nm_e_per_activity_icrp_adult"
    assert admin.effective_dose == pytest.approx(7.486)  # the RRDSR's own value, kept in its own column


def test_pet_images_then_rrdsr_give_one_estimate(sample: Sample) -> None:
    study = _load(sample, "NM-PetIm-Siemens.dcm", "NM-RRDSR-Siemens.dcm")
    assert study.effective_dose_estimate_msv == pytest.approx(study.total_administered_activity * 0.019)


def test_agent_without_code_has_no_estimate(sample: Sample) -> None:
    study = _load(sample, "NM-NmIm-Siemens.dcm")  # 99mTc DPD given as text only
    assert study.total_administered_activity == pytest.approx(764.0)
    assert study.effective_dose_estimate_msv is None and study.effective_dose_coefficients is None


def test_derive_estimates_recomputes_nm(sample: Sample) -> None:
    study = _load(sample, "NM-RRDSR-Siemens.dcm")
    Study.objects.update(effective_dose_estimate_msv=None, effective_dose_region=None,
                         effective_dose_coefficients=None)
    Administration.objects.update(administered_activity=200.0)
    call_command("derive_estimates")
    study.refresh_from_db()
    assert study.effective_dose_estimate_msv == pytest.approx(200.0 * 0.019)  # 3.8 mSv
    assert study.effective_dose_region == "fdg"

