"""Storing DRL sets read from files, exporting them, and the preloaded published sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openrem.drl.csvio import ParsedSet, ParsedValue, parse_drl_file

DATA_DIR = Path(__file__).parent / "data"
PRELOADED_FILES = ("uk-ndrl-adult-ct-2024.csv", "de-bfs-drw-adult-radiography-2022.csv")


def preloaded_sets() -> list[ParsedSet]:
    """The published sets shipped with OpenREM (each file carries its source line)."""
    return [parse_drl_file((DATA_DIR / name).read_text(encoding="utf-8")) for name in PRELOADED_FILES]


def store_set(parsed: ParsedSet, set_model: Any = None, value_model: Any = None,
              *, is_local: bool = False) -> Any:
    """Create a set and its values in one transaction; an existing (name, version) is an error.

    The model arguments let data migrations pass their historical models."""
    if set_model is None or value_model is None:
        from openrem.drl.models import DrlSet, DrlValue
        set_model, value_model = DrlSet, DrlValue
    with transaction.atomic():
        if set_model.objects.filter(name=parsed.name, version=parsed.version).exists():
            raise ValueError(f"DRL set {parsed.name} version {parsed.version} exists already")
        drl_set = set_model(
            name=parsed.name, country=parsed.country, version=parsed.version, valid_from=parsed.valid_from,
            source=parsed.source, modality=parsed.modality or "CT", is_local=is_local)
        _valid(drl_set, "the set")
        drl_set.save()
        values = [value_model(drl_set=drl_set, exam=v.exam, clinical_indication=v.clinical_indication,
                              patient_group=v.patient_group, quantity=v.quantity, value=v.value, unit=v.unit)
                  for v in parsed.values]
        for value in values:
            _valid(value, f"value {value.exam} {value.quantity}")
        value_model.objects.bulk_create(values)
    return drl_set


def _valid(row: Any, what: str) -> None:
    """``row`` fits its columns (lengths, choices), else ValueError naming the fields: a file's text
    longer than a column is refused, not cut, and never reaches a database that would refuse it."""
    try:
        row.full_clean(exclude=["drl_set"], validate_unique=False)
    except ValidationError as exc:
        fields = "; ".join(f"{name}: {' '.join(str(m) for m in messages)}"
                           for name, messages in exc.message_dict.items())
        raise ValueError(f"{what}: {fields}") from exc


def as_parsed(drl_set: Any) -> ParsedSet:
    """A stored set as a ParsedSet (for export with csvio.write_drl_file)."""
    return ParsedSet(
        name=drl_set.name, country=drl_set.country, version=drl_set.version, valid_from=drl_set.valid_from,
        source=drl_set.source, modality=drl_set.modality,
        values=[ParsedValue(v.exam, v.clinical_indication, v.patient_group, v.quantity, v.value, v.unit)
                for v in drl_set.values.all()])
