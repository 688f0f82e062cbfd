"""What the store SCP does with a received object: the pure decision logic (no I/O, no Django).

The rules follow the spec's Orthanc script (``OnStoredInstance``), in this order:

1. physics filtering: when on, an object whose patient name or ID contains a ``physics_to_keep``
   term is kept aside (``physics/<date>/<patient>/``) instead of being imported;
2. ignore lists: an object whose manufacturer, model name, station name, software version or
   device serial number contains a listed term is dropped (still acknowledged to the sender);
3. Toshiba extractor: a CT object (not an SR) from a listed make/model pair is kept in
   ``toshiba/<study uid>/`` for the Toshiba CT extractor;
4. anything else goes to the import, which decides itself whether it is a dose object.

All matching is case-insensitive and by substring, lists are comma separated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from openrem.dicom import classify as sop


class Action(StrEnum):
    """The fate of a received object."""

    IMPORT = "import"
    IGNORE = "ignore"
    PHYSICS = "physics"
    TOSHIBA = "toshiba"


@dataclass(frozen=True)
class Decision:
    """An action and the human-readable reason written to the store log."""

    action: Action
    reason: str


IGNORE_FIELDS: tuple[tuple[str, str], ...] = (
    ("manufacturers", "Manufacturer"),
    ("model_names", "ManufacturerModelName"),
    ("station_names", "StationName"),
    ("software_versions", "SoftwareVersions"),
    ("device_serial_numbers", "DeviceSerialNumber"),
)

#: Attributes the decision reads (keywords); the SCP extracts only these from a dataset.
ATTRIBUTES = ("PatientName", "PatientID", "Modality", "SOPClassUID", "StudyInstanceUID",
              *(keyword for _name, keyword in IGNORE_FIELDS))


def split_terms(text: str | None) -> tuple[str, ...]:
    """Comma-separated terms, stripped, lower case, empty ones dropped (quotes removed)."""
    return tuple(t.strip().strip("'\"").strip().lower() for t in (text or "").split(",") if t.strip().strip("'\""))


def split_systems(text: str | None) -> tuple[tuple[str, str], ...]:
    """``"Toshiba Aquilion, GE Discovery STE"`` → ``(("toshiba", "aquilion"), ("ge", "discovery ste"))``:
    the first word is the manufacturer, the rest the model name."""
    pairs = []
    for term in split_terms(text):
        make, _sep, model = term.partition(" ")
        pairs.append((make, model.strip()))
    return tuple(pairs)


@dataclass(frozen=True)
class FilterConfig:
    """The receive filter settings in matching form (see ``ReceiveFilterSettings``)."""

    ignore: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    physics_filtering: bool = False
    physics_terms: tuple[str, ...] = ("physics",)
    toshiba_systems: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, settings: Any) -> FilterConfig:
        """From a ``ReceiveFilterSettings`` row (or any object with its attributes)."""
        return cls(
            ignore={name: split_terms(getattr(settings, f"{name}_to_ignore", "")) for name, _kw in IGNORE_FIELDS},
            physics_filtering=bool(settings.physics_filtering),
            physics_terms=split_terms(settings.physics_to_keep),
            toshiba_systems=split_systems(settings.toshiba_extractor_systems),
        )


def text_of(value: Any) -> str:
    """A DICOM value as one string (multi-valued: joined with backslashes)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return "\\".join(str(v) for v in value)
    return str(value)


def _contains(value: str, terms: tuple[str, ...]) -> str | None:
    low = value.lower()
    return next((t for t in terms if t and t in low), None)


def decide(attrs: Mapping[str, Any], config: FilterConfig) -> Decision:
    """The action for an object with these attribute values (keywords of :data:`ATTRIBUTES`)."""
    def get(key: str) -> str:
        return text_of(attrs.get(key))

    if config.physics_filtering:
        for key in ("PatientName", "PatientID"):
            term = _contains(get(key), config.physics_terms)
            if term:
                return Decision(Action.PHYSICS, f"{key} contains '{term}': kept for physics")
    for name, keyword in IGNORE_FIELDS:
        term = _contains(get(keyword), tuple(config.ignore.get(name, ())))
        if term:
            return Decision(Action.IGNORE, f"{keyword} '{get(keyword)}' matches ignore term '{term}'")
    if is_toshiba_ct(get("Modality"), get("SOPClassUID"), get("Manufacturer"), get("ManufacturerModelName"),
                     config.toshiba_systems):
        return Decision(Action.TOSHIBA, f"CT from {get('Manufacturer')} {get('ManufacturerModelName')}: "
                                        "kept for the Toshiba extractor")
    return Decision(Action.IMPORT, "passed to the import")


def is_toshiba_ct(modality: str, sop_class: str, make: str, model: str,
                  systems: tuple[tuple[str, str], ...]) -> bool:
    """A CT object that is not an SR, from a listed make/model pair."""
    if modality.upper() != "CT" or sop_class in sop.SR_CLASSES:
        return False
    make_l, model_l = make.lower(), model.lower()
    return any(mk in make_l and md in model_l for mk, md in systems if mk)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(value: str, default: str = "unknown") -> str:
    """A file or folder name from a DICOM value (UIDs and names), at most 64 characters."""
    cleaned = _UNSAFE.sub("_", value).strip("._")[:64]
    return cleaned or default
