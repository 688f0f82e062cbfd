"""The codes the parser matches are the codes of PS3.16.

Checked against the PS3.16 concept table that pydicom ships (``pydicom.sr``), independently of
the generator (:mod:`openrem.dicom.synth.vocab` takes its codes from the same constants, so a
wrong code would read back unnoticed in every generated round trip). A DCM code must carry the
meaning PS3.16 gives it; a SNOMED CT code must exist, with its PS3.16 meaning or one of the
synonyms listed here.
"""

from __future__ import annotations

import re

import pytest
from pydicom.sr import _concepts_dict

from openrem.dicom import codes

SCT_SYNONYMS = {  # constant -> meanings PS3.16 gives its SCT codes under other CIDs or names
    "COMPUTED_TOMOGRAPHY": "Computed tomography",
    "RADIONUCLIDE": "Radioactive isotope (substance)",
    "RADIONUCLIDE_HALF_LIFE": "Half-life of radiopharmaceutical (qualifier value)",
    "RADIOPHARMACEUTICAL_AGENT": "Radiopharmaceuticals (product)",
    "REGION_ABDOMEN": "Abdominal structure (body structure)",
    "REGION_ABDOMEN_AND_PELVIS": "Abdomen and/or pelvis structure (body structure)",
    "REGION_CHEST": "Thoracic structure (body structure)|Chest cavity|Chest|Thorax",
    "REGION_HEART": "Endo-cardiac|Heart",
    "REGION_PELVIS": "Pelvic structure (body structure)",
    "RIGHT_AND_LEFT": "Bilateral",
    **{name: name.capitalize() for name in ("COPPER", "MOLYBDENUM", "RHODIUM", "SILVER", "TUNGSTEN")},
    "ALUMINIUM": "Aluminum",
}
DCM_VARIANTS = {"ACCUMULATED_AVERAGE_GLANDULAR_DOSE": "Accumulated Average Glandular Dose (mammo)"}


def _meanings(scheme: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for by_value in _concepts_dict.concepts[scheme].values():
        for value, (meaning, _cids) in by_value.items():
            out.setdefault(value, set()).add(meaning)
    return out


def _norm(text: str) -> str:
    text = re.sub(r"\((attribute|observable entity|procedure|body structure|qualifier value)\)", "", text.lower())
    return re.sub(r"[^a-z0-9]", "", text)


CONSTANTS = sorted((name, c) for name, c in vars(codes).items() if isinstance(c, codes.Concept))


@pytest.mark.parametrize(("name", "concept"), CONSTANTS, ids=[n for n, _ in CONSTANTS])
def test_code_is_the_ps3_16_code_of_its_concept(name: str, concept: codes.Concept) -> None:
    for value, scheme in concept.keys:
        if scheme not in ("DCM", "SCT"):
            continue
        known = _meanings(scheme).get(value)
        assert known, f"{name}: {scheme} {value} is no PS3.16 code"
        accepted = {concept.name, *DCM_VARIANTS.get(name, "").split("|"), *SCT_SYNONYMS.get(name, "").split("|")}
        assert {_norm(m) for m in known} & {_norm(m) for m in accepted if m}, (
            f"{name}: {scheme} {value} means {sorted(known)} in PS3.16, not {concept.name!r}")


def test_three_codes_once_wrong() -> None:
    assert codes.WATER_EQUIVALENT_DIAMETER.matches("113980", "DCM")  # not 113987, "AAPM 220"
    assert codes.PROJECTION_EPONYMOUS_NAME.matches("113946", "DCM")  # not 113942, "X-Ray Reading Device"
    assert codes.HAS_INTENT.matches("363703001", "SCT")  # not 363675004, "Intents (nature of procedure values)"
