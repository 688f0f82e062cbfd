"""CT dose reports (PS3.16 TID 10011) against the values the older OpenREM stored (reference.json).

The comparison is the conformance tool's own (``shared/tools/conformance.py``): only the CT tree
and the modality type are compared here; study-level attributes belong to the header tests.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from openrem.dicom.parse import Status, parse_path
from openrem.dicom.plain import to_plain
from reference_support import conformance, deviations, reference_study

CT_FILES = [
    "CT-ESR-GE_Optima.dcm",
    "CT-ESR-GE_VCT.dcm",
    "CT-RDSR-GEPixelMed.dcm",
    "CT-RDSR-Siemens-Continued-1.dcm",
    "CT-RDSR-Siemens-Continued-2.dcm",
    "CT-RDSR-Siemens-Multi-1.dcm",
    "CT-RDSR-Siemens-Multi-2.dcm",
    "CT-RDSR-Siemens-Multi-3.dcm",
    "CT-RDSR-Siemens_Flash-QA-DS.dcm",
    "CT-RDSR-Siemens_Flash-TAP-SS.dcm",
    "CT-RDSR-ToshibaPixelMed.dcm",
    "CT-RDSR-Toshiba_DoseCheck.dcm",
    "NM-CT-RDSR-Siemens.dcm",
]


@pytest.mark.shared
@pytest.mark.parametrize("name", CT_FILES)
def test_ct_tree_matches_reference(name: str, sample: Callable[[str], Path]) -> None:
    result = parse_path(sample(name))
    assert result.status is Status.PARSED, result.reason
    assert result.report is not None
    ref = reference_study(name)
    expected = {"modality_type": ref["modality_type"], "ct_radiation_dose": ref["ct_radiation_dose"]}
    got = {"modality_type": result.report.modality,
           "ct_radiation_dose": to_plain(result.report.ct_radiation_dose)}
    conf = conformance()
    res = conf.Result()
    conf.compare(expected, got, "", res, conf.acceptor(deviations(), name))
    assert res.compared > 10
    assert not res.failed, "\n".join(res.failed)


@pytest.mark.shared
@pytest.mark.parametrize("name", CT_FILES)
def test_ct_reports_every_event(name: str, sample: Callable[[str], Path]) -> None:
    result = parse_path(sample(name))
    assert result.report is not None
    ref_uids = {e["irradiation_event_uid"] for c in reference_study(name)["ct_radiation_dose"] for e in c["events"]}
    assert result.report.event_uids() == ref_uids
    assert result.report.kind == "ct_rdsr"
