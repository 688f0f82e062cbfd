"""Small hand-made datasets for the chart tests: every number is chosen so the expected statistics
can be worked out by hand (see the comments at each test)."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from django.utils import timezone

from openrem.dose.models import (
    Administration,
    CtEvent,
    CtRadiationDose,
    ProjectionEvent,
    ProjectionXrayDose,
    RadiopharmaceuticalDose,
    Study,
    UniqueEquipment,
)

SPIRAL = "116152004|SCT"
SEQUENCED = "113804|DCM"
LOCALISER = "113805|DCM"
_uid = count(1)


def equipment(name: str) -> UniqueEquipment:
    return UniqueEquipment.objects.create(display_name=name, identity_hash=f"id-{name}" + "0" * 40,
                                          fields_hash=f"f-{name}" + "0" * 40, station_name=name)


def study(modality: str, equip: UniqueEquipment, when: dt.datetime | None, **fields: Any) -> Study:
    n = next(_uid)
    aware = timezone.make_aware(when) if when else None
    return Study.objects.create(study_instance_uid=f"1.2.3.{n}", modality_type=modality, source_kind="test",
                                study_date=when.date() if when else None, study_datetime=aware,
                                equipment=equip, **fields)


def ct_events(s: Study, *events: tuple[str | None, str, float | None, float | None]) -> None:
    """Events as (protocol, acquisition type code, DLP mGy.cm, CTDIvol mGy)."""
    report = CtRadiationDose.objects.create(parent=s)
    for protocol, code, dlp, ctdi in events:
        CtEvent.objects.create(parent=report, irradiation_event_uid=f"e{next(_uid)}", acquisition_protocol=protocol,
                               ct_acquisition_type_code=code, dlp=dlp, mean_ctdivol=ctdi)


def projection_events(s: Study, *events: dict[str, Any]) -> None:
    report = ProjectionXrayDose.objects.create(parent=s)
    for fields in events:
        ProjectionEvent.objects.create(parent=report, irradiation_event_uid=f"e{next(_uid)}", **fields)


def administration(s: Study, activity: float) -> None:
    report = RadiopharmaceuticalDose.objects.create(parent=s)
    Administration.objects.create(parent=report, administered_activity=activity)


def by_category(data: dict[str, Any]) -> dict[Any, dict[str, Any]]:
    """Rows keyed by category (pooled charts) or (category, system)."""
    return {(r["category"] if r["system"] is None else (r["category"], r["system"])): r for r in data["rows"]}
