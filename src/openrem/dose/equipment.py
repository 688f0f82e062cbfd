"""Unique equipment rows and their display names (spec: "Display names and user defined modalities")."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction

from openrem.dicom.records import Equipment
from openrem.dose.models import MergeOnDeviceObserverUIDSettings, UniqueEquipment
from openrem.dose.patient import sha256_hex

IDENTITY_FIELDS = (
    "manufacturer", "institution_name", "station_name", "institutional_department_name",
    "manufacturer_model_name", "device_serial_number", "software_versions", "gantry_id",
)


def _hash(values: list[str | None]) -> str:
    return sha256_hex("\x1f".join(v or "" for v in values))


def default_display_name(eq: Equipment) -> str:
    """``"<institution> <station>"``, else whichever of the two exists, else ``"Blank"``."""
    parts = [p for p in (eq.institution_name, eq.station_name) if p]
    return " ".join(parts) if parts else "Blank"


def observer_uid_for(eq: Equipment, use_observer_uid: bool) -> str | None:
    """The Device Observer UID to use, or None for the models listed in
    IGNORE_DEVICE_OBSERVER_UID_FOR_THESE_MODELS (they reuse the Study Instance UID)."""
    if not use_observer_uid or not eq.device_observer_uid:
        return None
    if (eq.manufacturer_model_name or "") in settings.IGNORE_DEVICE_OBSERVER_UID_FOR_THESE_MODELS:
        return None
    return eq.device_observer_uid


def get_or_create_equipment(eq: Equipment, *, use_observer_uid: bool = True) -> UniqueEquipment:
    """The equipment row for these identity fields and observer UID, created if new.

    A new row takes its display name (and user-defined modality) from, in order: a known system with
    the same Device Observer UID when that setting is on; the most recent system with the same eight
    fields; else the default name.
    """
    fields = [getattr(eq, f) for f in IDENTITY_FIELDS]
    observer = observer_uid_for(eq, use_observer_uid)
    identity = _hash([*fields, observer])
    found = UniqueEquipment.objects.filter(identity_hash=identity).first()
    if found is not None:
        return found
    fields_hash = _hash(fields)
    display, user_modality = default_display_name(eq), None
    template = None
    if observer and MergeOnDeviceObserverUIDSettings.get().enabled:
        template = UniqueEquipment.objects.filter(device_observer_uid=observer).order_by("-pk").first()
    if template is None:
        template = UniqueEquipment.objects.filter(fields_hash=fields_hash).order_by("-pk").first()
    if template is not None:
        display, user_modality = template.display_name, template.user_defined_modality
    try:
        with transaction.atomic():  # savepoint: another worker may create the same system meanwhile
            return UniqueEquipment.objects.create(
                **dict(zip(IDENTITY_FIELDS, fields, strict=True)), device_observer_uid=observer,
                identity_hash=identity, fields_hash=fields_hash, display_name=display[:255],
                user_defined_modality=user_modality,
            )
    except IntegrityError:
        return UniqueEquipment.objects.get(identity_hash=identity)
