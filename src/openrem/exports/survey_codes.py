"""Coded concepts the survey formats read (matched by code value and scheme, never by meaning).

Views: CID 4014 (View for Mammography); filter and target materials: CID 10006 / 10016 (the legacy
SNOMED-RT codes the sample systems send; an SCT code can be added to the concept when a system sends
one); laterality: CID 244.
"""

from __future__ import annotations

from typing import Any

from openrem.dicom.codes import Concept, snomed


def _srt(name: str, srt: str) -> Concept:
    return Concept(name, (srt, "SRT"), (srt, "SNM3"))


# NCCPM view abbreviations of the NHSBSP dose audit
MAMMO_VIEWS: tuple[tuple[Concept, str], ...] = (
    (snomed("cranio-caudal", "399162004", "R-10242"), "CC"),
    (snomed("medio-lateral oblique", "399368009", "R-10226"), "OB"),
    (snomed("medio-lateral", "399260004", "R-10224"), "ML"),
    (snomed("latero-medial", "399352003", "R-10228"), "LM"),
    (snomed("latero-medial oblique", "399099002", "R-10230"), "LMO"),
    (snomed("caudo-cranial (from below)", "399196006", "R-10244"), "FB"),
    (snomed("superolateral to inferomedial oblique", "399188001", "R-102D0"), "SIO"),
    (snomed("inferomedial to superolateral oblique", "441555000", "R-40AAA"), "ISO"),
    (snomed("cranio-caudal exaggerated laterally", "399192003", "R-1024A"), "XCCL"),
    (snomed("cranio-caudal exaggerated medially", "399101009", "R-1024B"), "XCCM"),
)
LEFT = snomed("Left", "7771000", "G-A101")
RIGHT = snomed("Right", "24028007", "G-A100")

ALUMINIUM = _srt("Aluminum or Aluminum compound", "C-120F9")
COPPER = _srt("Copper or Copper compound", "C-127F9")
MOLYBDENUM = _srt("Molybdenum or Molybdenum compound", "C-150F9")
RHODIUM = _srt("Rhodium or Rhodium compound", "C-167F9")
SILVER = _srt("Silver or Silver compound", "C-137F9")
TUNGSTEN = _srt("Tungsten or Tungsten compound", "C-164F9")
ANODES = ((TUNGSTEN, "W"), (MOLYBDENUM, "Mo"), (RHODIUM, "Rh"))
FILTERS = ((ALUMINIUM, "Al"), (MOLYBDENUM, "Mo"), (RHODIUM, "Rh"), (SILVER, "Ag"), (COPPER, "Cu"))

CONSTANT_ANGLE = Concept("Constant Angle Acquisition", ("113805", "DCM"))
FLUOROSCOPY = snomed("Fluoroscopy", "44491008", "P5-06000")
HEAD_PHANTOM = Concept("IEC Head Dosimetry Phantom", ("113690", "DCM"))
BODY_PHANTOM = Concept("IEC Body Dosimetry Phantom", ("113691", "DCM"))


def split_code(stored: str | None) -> tuple[str, str]:
    """A stored ``"value|scheme"`` code as (value, scheme)."""
    value, _sep, scheme = (stored or "").partition("|")
    return value, scheme


def is_code(stored: str | None, concept: Concept) -> bool:
    return concept.matches(*split_code(stored))


def lookup(stored: str | None, table: tuple[tuple[Concept, str], ...]) -> str | None:
    """The abbreviation of the concept ``stored`` codes, ``None`` when none matches."""
    value, scheme = split_code(stored)
    return next((abbr for concept, abbr in table if concept.matches(value, scheme)), None)


def json_code(item: Any) -> tuple[str, str]:
    """(value, scheme) of a coded value stored in a JSON column (``[value, scheme, meaning]``)."""
    if isinstance(item, list) and len(item) >= 2:
        return str(item[0]), str(item[1])
    return "", ""
