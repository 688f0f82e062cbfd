"""Patient identifiers as the settings allow, not-patient indicators and decimal age (pure functions)."""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from openrem.dicom.values import age_in_years


def sha256_hex(text: str) -> str:
    """SHA-256 of the UTF-8 text, as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IdentifierPolicy:
    """Mirror of the patient identifier settings (see :class:`PatientIDSettings`)."""

    name_stored: bool = False
    name_hashed: bool = True
    id_stored: bool = False
    id_hashed: bool = True
    accession_hashed: bool = False
    dob_stored: bool = False


def protect(value: str | None, stored: bool, hashed: bool) -> tuple[str | None, bool]:
    """Return (value to store, hashed flag) for one identifier."""
    if not value or not stored:
        return None, False
    return (sha256_hex(value), True) if hashed else (value, False)


def not_patient_indicator(patient_id: str | None, name: str | None,
                          id_patterns: Iterable[str], name_patterns: Iterable[str]) -> str | None:
    """Text naming the test/QA patterns that match, e.g. ``IDs: *qa* | Names: *phys*``, or None.

    Patterns use ``*``, ``?``, ``[seq]`` and ``[!seq]`` and match case-insensitively.
    """
    parts = []
    ids = [p for p in id_patterns if patient_id and fnmatch.fnmatchcase(patient_id.lower(), p.lower())]
    if ids:
        parts.append("IDs: " + " ".join(ids))
    names = [p for p in name_patterns if name and fnmatch.fnmatchcase(_name_text(name), p.lower())]
    if names:
        parts.append("Names: " + " ".join(names))
    return " | ".join(parts) or None


def _name_text(name: str) -> str:
    """Person name as 'family, given' lower case (how patterns have always been written)."""
    family, _, rest = name.partition("^")
    given = rest.split("^")[0] if rest else ""
    return (f"{family}, {given}" if given else family).lower()


def decimal_age(birth_date: dt.date | None, study_date: dt.date | None, age: str | None) -> float | None:
    """Patient age in years, to 0.1 y: from birth date and study date, else from the age string.

    A birth date that gives a negative or implausible age (over 150 years; anonymisers use dates
    such as 9999-12-31) is ignored in favour of the age string; an age string giving such an age
    is ignored too.
    """
    if birth_date is not None and study_date is not None:
        years = (study_date - birth_date).days / 365.25
        if 0 <= years <= 150:
            return round(years, 1)
    from_string = age_in_years(age)
    return round(from_string, 1) if from_string is not None and 0 <= from_string <= 150 else None
