"""Changing the modality of a system's stored studies (spec: "Display names and user-defined modalities").

Two operations, both in one transaction:

* :func:`set_user_modality` stores an equipment row's user-defined modality and, when the new value
  is one of :data:`REWRITE_TARGETS`, gives its existing projection studies (from RDSRs or radiography
  images; never mammography, CT or radiopharmaceutical data) that modality type, as a new import
  would (see :func:`openrem.dose.ingest.decide_modality`). "dual" re-sorts them by their data.
* :func:`resort_dual` re-sorts each such study by its content: accumulated fluoroscopy data (a
  fluoroscopy DAP or time above zero) -> RF,
  accumulated integrated / cassette radiography data (or acquisition-only projection totals) -> DX,
  else OT.

:func:`reflag_not_patient` recomputes the not-patient indicator of stored studies.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from openrem.dicom.classify import Kind
from openrem.dose.models import (
    AccumCassette,
    AccumIntegrated,
    AccumProjection,
    NotPatientIndicator,
    Study,
    UniqueEquipment,
)
from openrem.dose.patient import not_patient_indicator

DUAL = "dual"
REWRITE_TARGETS = frozenset({"DX", "CR", "RF", "OT", "NM"})
USER_MODALITIES = ("DX", "CR", "RF", "MG", "NM", "OT", DUAL)
PROJECTION_KINDS = (Kind.PROJECTION_RDSR.value, Kind.VARIC_ESR.value, Kind.DX_IMAGE.value)
REWRITABLE_TYPES = ("DX", "CR", "PX", "RF", "OT", "NM")


@dataclass(frozen=True)
class ModalityChange:
    """What changed: the number of studies given each modality type."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def rewritable_studies(equipment: UniqueEquipment) -> QuerySet[Study]:
    """The studies of ``equipment`` whose modality type follows its user-defined modality:
    projection X-ray data that is not mammography."""
    return Study.objects.filter(equipment=equipment, source_kind__in=PROJECTION_KINDS,
                                modality_type__in=REWRITABLE_TYPES)


def _has(model: type, condition: Q | None = None) -> Exists:
    """EXISTS a row of the accumulated-dose table ``model`` (matching ``condition``) for the study."""
    rows = model._default_manager.filter(parent__parent__parent=OuterRef("pk"))  # type: ignore[attr-defined]
    return Exists(rows.filter(condition) if condition is not None else rows)


def dual_modality_type(studies: QuerySet[Study]) -> QuerySet[Study]:
    """``studies`` annotated with ``fluoro`` and ``radiography`` flags from the stored dose tree."""
    # zero totals are written by dual systems for radiography-only studies (Dual-RDSR-DX sample)
    fluoro = Q(fluoro_dose_area_product_total__gt=0) | Q(total_fluoro_time__gt=0)
    acquisition = (Q(acquisition_dose_area_product_total__isnull=False)
                   | Q(total_number_of_radiographic_frames__isnull=False))
    return studies.annotate(
        fluoro=_has(AccumProjection, fluoro),
        radiography=_has(AccumIntegrated) | _has(AccumCassette) | _has(AccumProjection, acquisition),
    )


def resort_dual(equipment: UniqueEquipment) -> ModalityChange:
    """Give each projection study of ``equipment`` the type its data implies (RF, DX or OT)."""
    counts: Counter[str] = Counter()
    with transaction.atomic():
        rows = dual_modality_type(rewritable_studies(equipment)).values_list(  # type: ignore[misc]
            "pk", "fluoro", "radiography")
        by_type: dict[str, list[int]] = {"RF": [], "DX": [], "OT": []}
        for pk, fluoro, radiography in rows:
            by_type["RF" if fluoro else "DX" if radiography else "OT"].append(pk)
        for modality_type, pks in by_type.items():
            for start in range(0, len(pks), 500):
                chunk = pks[start:start + 500]
                counts[modality_type] += Study.objects.filter(pk__in=chunk).update(modality_type=modality_type)
    return ModalityChange(dict(counts))


def set_user_modality(equipment: UniqueEquipment, value: str | None) -> ModalityChange:
    """Store ``value`` (one of :data:`USER_MODALITIES` or None) as the system's user-defined modality
    and rewrite its existing studies as described in the module docstring."""
    if value is not None and value not in USER_MODALITIES:
        raise ValueError(f"unknown user-defined modality {value!r}")
    with transaction.atomic():
        equipment.user_defined_modality = value
        equipment.save(update_fields=["user_defined_modality"])
        if value == DUAL:
            return resort_dual(equipment)
        if value in REWRITE_TARGETS:
            changed = rewritable_studies(equipment).exclude(modality_type=value).update(modality_type=value)
            return ModalityChange({value: changed} if changed else {})
    return ModalityChange({})


@dataclass(frozen=True)
class ReflagResult:
    """Outcome of :func:`reflag_not_patient`."""

    checked: int  # studies with a stored plain patient ID or name
    changed: int  # of which the indicator changed
    unknown: int  # studies without a plain identifier: indicator kept as set at import


def _parts(indicator: str | None) -> dict[str, str]:
    """``"IDs: *qa* | Names: *phys*"`` -> ``{"IDs": "IDs: *qa*", "Names": "Names: *phys*"}``."""
    out = {}
    for part in (indicator or "").split(" | "):
        key = part.partition(":")[0]
        if key in ("IDs", "Names"):
            out[key] = part
    return out


def reflag_not_patient() -> ReflagResult:
    """Recompute ``Study.not_patient_indicator`` with the current patterns, in one transaction.

    Only stored, unhashed identifiers can be matched: patient names and IDs are usually not stored
    (or stored as SHA-256 hashes), and then the part of the indicator that came from that
    identifier at import is kept unchanged.
    """
    patterns = list(NotPatientIndicator.objects.values_list("field", "pattern"))
    ids = [p for f, p in patterns if f == NotPatientIndicator.ID]
    names = [p for f, p in patterns if f == NotPatientIndicator.NAME]
    checked = unknown = 0
    changed: list[Study] = []
    with transaction.atomic():
        rows = Study.objects.only("pk", "patient_id", "patient_id_hashed", "patient_name", "patient_name_hashed",
                                  "not_patient_indicator").order_by("pk")
        for study in rows.iterator(chunk_size=2000):
            pid = study.patient_id if study.patient_id and not study.patient_id_hashed else None
            name = study.patient_name if study.patient_name and not study.patient_name_hashed else None
            if pid is None and name is None:
                unknown += 1
                continue
            checked += 1
            old, new = _parts(study.not_patient_indicator), _parts(not_patient_indicator(pid, name, ids, names))
            merged = [new.get(k) if known else old.get(k) for k, known in (("IDs", pid), ("Names", name))]
            value = " | ".join(p for p in merged if p) or None
            if value != study.not_patient_indicator:
                study.not_patient_indicator = value
                changed.append(study)
        Study.objects.bulk_update(changed, ["not_patient_indicator"], batch_size=500)
    return ReflagResult(checked, len(changed), unknown)
