"""Radiopharmaceutical Radiation Dose SR parser (PS3.16 TID 10021/10022/10023)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydicom.dataset import Dataset

from openrem.dicom import codes
from openrem.dicom import parse as parse_module
from openrem.dicom.classify import Kind
from openrem.dicom.parse import ParseContext, Status, parse_path
from openrem.dicom.plain import to_plain
from openrem.dicom.rdsr import radiopharm
from openrem.dicom.srtree import Code, ContentItem
from reference_support import conformance, reference_study

# Importing a parser module registers it; load them all so parse_path() elsewhere finds every parser.
parse_module._load_parsers()

RRDSR = "NM-RRDSR-Siemens.dcm"


def _parse(path: Path) -> Any:
    result = parse_path(path)
    assert result.status is Status.PARSED, result.reason
    assert result.report is not None
    return result.report


def test_rrdsr_matches_reference(sample: Callable[[str], Path]) -> None:
    report = _parse(sample(RRDSR))
    expected = reference_study(RRDSR)
    assert report.kind == "rrdsr"
    assert report.modality == expected["modality_type"] == "NM"
    tool = conformance()
    result = tool.Result()
    tool.compare(
        expected["radiopharmaceutical_radiation_dose"],
        to_plain(report.radiopharmaceutical_radiation_dose), "radiopharmaceutical_radiation_dose", result,
        lambda _p: False,
    )
    assert result.compared > 60
    assert result.failed == []


def test_fix_siemens_effective_dose_container(sample: Callable[[str], Path]) -> None:
    path = sample(RRDSR)
    report = _parse(path)
    assert "siemens_effective_dose_container" in report.vendor_fixes
    admin = report.radiopharmaceutical_radiation_dose[0].administrations[0]
    assert admin.effective_dose == pytest.approx(7.486)


def test_rrdsr_units_and_codes(sample: Callable[[str], Path]) -> None:
    report = _parse(sample(RRDSR))
    dose = report.radiopharmaceutical_radiation_dose[0]
    admin = dose.administrations[0]
    assert admin.administered_activity == 394  # MBq
    assert admin.radionuclide_half_life == pytest.approx(6586.2)  # s
    assert (admin.radionuclide.value, admin.radionuclide.scheme) == ("C-111A1", "SRT")
    assert admin.radiopharmaceutical_administration_event_uid == "1.3.12.2.1107.5.1.4.11090.20220224104830.0"
    assert len(admin.organ_doses) == 22
    assert admin.organ_doses[0].reference_authority == "ICRP Publication 128"
    pc = dose.patient_characteristics[0]
    assert (pc.subject_age, pc.patient_height, pc.patient_weight) == (63, 1.78, 110)
    assert report.event_uids() == {admin.radiopharmaceutical_administration_event_uid}
    assert report.warnings == ()


# ------------------------------------------------------------------------------ synthetic trees


def _item(concept: tuple[str, str], vt: str, *, unit: str | None = None, number: str | None = None,
          code: tuple[str, str, str] | None = None, text: str | None = None,
          children: tuple[ContentItem, ...] = ()) -> ContentItem:
    return ContentItem(
        relationship="CONTAINS", value_type=vt, concept=Code(concept[0], concept[1], "x"), text=text,
        code=Code(*code) if code else None, number=number,
        unit=Code(unit, "UCUM", unit) if unit else None, children=children,
    )


def _ctx(root: ContentItem) -> ParseContext:
    ds = Dataset()
    ds.StudyInstanceUID = "1.2.3"
    return ParseContext(ds=ds, root=root, kind=Kind.RRDSR)


def test_sct_coded_administration_and_unit_conversion() -> None:
    agent = _item(("349358000", "SCT"), "CODE", code=("35321007", "SCT", "Technetium Tc-99m medronate"),
                  children=(_item(("89457008", "SCT"), "CODE", code=("44588005", "SCT", "Tc-99m")),
                            _item(("304283002", "SCT"), "NUM", number="6.0", unit="h")))
    admin = _item(("113502", "DCM"), "CONTAINER", children=(
        agent,
        _item(("113507", "DCM"), "NUM", number="740000000", unit="Bq"),
        _item(("410675002", "SCT"), "CODE", code=("47625008", "SCT", "Intravenous route")),
        _item(("113503", "DCM"), "UIDREF", text="1.2.3.4"),
        _item(("113839", "DCM"), "NUM", number="4.2", unit="mSv"),
    ))
    patient = _item(("121118", "DCM"), "CONTAINER", children=(
        _item(("8302-2", "LN"), "NUM", number="172", unit="cm"),
        _item(("121033", "DCM"), "NUM", number="6", unit="mo"),
        _item(("29463-7", "LN"), "NUM", number="70", unit="[lb_av]"),
    ))
    root = _item(("113500", "DCM"), "CONTAINER", children=(admin, patient))
    ctx = _ctx(root)
    report = radiopharm.parse(ctx)
    got = report.radiopharmaceutical_radiation_dose[0]
    a = got.administrations[0]
    assert a.radiopharmaceutical_agent is not None and a.radiopharmaceutical_agent.value == "35321007"
    assert a.radionuclide is not None and a.radionuclide.meaning == "Tc-99m"
    assert a.radionuclide_half_life == pytest.approx(21600.0)
    assert a.administered_activity == pytest.approx(740.0)
    assert a.effective_dose == pytest.approx(4.2)
    assert a.route_of_administration is not None
    assert report.vendor_fixes == ()
    pc = got.patient_characteristics[0]
    assert pc.patient_height == pytest.approx(1.72)
    assert pc.subject_age == pytest.approx(0.5)
    assert pc.patient_weight is None
    assert any("[lb_av]" in w for w in report.warnings)


def test_missing_items_warn_without_raising() -> None:
    root = _item(("113500", "DCM"), "CONTAINER", children=(_item(("113502", "DCM"), "CONTAINER"),))
    report = radiopharm.parse(_ctx(root))
    admin = report.radiopharmaceutical_radiation_dose[0].administrations[0]
    assert admin.administered_activity is None and admin.radiopharmaceutical_administration_event_uid is None
    assert any("113503" in w for w in report.warnings)
    assert any("113507" in w for w in report.warnings)


def test_concepts_match_by_code_not_meaning() -> None:
    item = ContentItem(relationship="CONTAINS", value_type="NUM",
                       concept=Code("113507", "DCM", "Something else entirely"), number="5",
                       unit=Code("MBq", "UCUM", "MBq"))
    holder = ContentItem(relationship="", value_type="CONTAINER", concept=None, children=(item,))
    assert radiopharm.measure(_ctx(holder), holder, codes.ADMINISTERED_ACTIVITY, radiopharm.ACTIVITY_MBQ) == 5
    assert codes.RADIONUCLIDE.matches("C-10072", "SRT") and codes.RADIONUCLIDE.matches("89457008", "SCT")
