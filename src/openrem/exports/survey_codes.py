"""Coded concepts the survey formats read (matched by code value and scheme, never by meaning).

Views: CID 4014 (View for Mammography) with their NCCPM abbreviations; filter and target materials
(CID 10006 / 10016, defined in :mod:`openrem.dicom.codes`) with their element symbols.
"""

from __future__ import annotations

from typing import Any

from openrem.dicom.codes import ALUMINIUM, COPPER, MOLYBDENUM, RHODIUM, SILVER, TUNGSTEN, Concept, snomed

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
ANODES = ((TUNGSTEN, "W"), (MOLYBDENUM, "Mo"), (RHODIUM, "Rh"))
FILTERS = ((ALUMINIUM, "Al"), (MOLYBDENUM, "Mo"), (RHODIUM, "Rh"), (SILVER, "Ag"), (COPPER, "Cu"))



def split_code(stored: str | None) -> tuple[str, str]:
    """A stored ``"value|scheme"`` code as (value, scheme)."""
    value, _sep, scheme = (stored or "").partition("|")
    return value, scheme


def stored_codes(concept: Concept) -> list[str]:
    """Every ``"value|scheme"`` form of a concept, as stored in the ``*_code`` columns."""
    return sorted(f"{value}|{scheme}" for value, scheme in concept.keys)


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
