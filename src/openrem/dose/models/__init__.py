"""Dose store models."""

from openrem.dose.models.config import (
    DicomDeleteSettings,
    HomePageAdminSettings,
    MergeOnDeviceObserverUIDSettings,
    NotPatientIndicator,
    PatientIDSettings,
    StandardName,
    StandardNameSettings,
    UserProfile,
)
from openrem.dose.models.study import ProcessedObject, Study, UniqueEquipment
from openrem.dose.models.tree import (
    MODEL_BY_NAME,
    AccumCassette,
    AccumIntegrated,
    AccumMammography,
    AccumProjection,
    AccumulatedXrayDose,
    Administration,
    CtAccumulatedDose,
    CtDoseCheck,
    CtEvent,
    CtRadiationDose,
    CtXraySource,
    OrganDose,
    PatientCharacteristics,
    PetSeries,
    ProjectionEvent,
    ProjectionXrayDose,
    RadiopharmaceuticalDose,
)

__all__ = [
    "MODEL_BY_NAME", "DicomDeleteSettings", "AccumCassette", "AccumIntegrated", "AccumMammography", "AccumProjection",
    "AccumulatedXrayDose", "Administration", "CtAccumulatedDose", "CtDoseCheck", "CtEvent",
    "CtRadiationDose", "CtXraySource", "MergeOnDeviceObserverUIDSettings", "NotPatientIndicator",
    "OrganDose", "PatientCharacteristics", "PatientIDSettings", "PetSeries", "ProcessedObject",
    "ProjectionEvent", "ProjectionXrayDose", "RadiopharmaceuticalDose", "Study", "UniqueEquipment",
    "HomePageAdminSettings", "StandardName", "StandardNameSettings", "UserProfile",
]
