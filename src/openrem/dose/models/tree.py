"""The dose-tree tables (TID 10011 / 10001 / 10021 families), generated from the record types.

See :mod:`openrem.dose.models.generated` for the rules. The classes are bound to module names here
so that they can be imported and type-checked like hand-written models.
"""

from __future__ import annotations

from typing import Any

from openrem.dose.models.generated import TREE, build_model

_MODELS: dict[str, Any] = {node.model_name: build_model(node, __name__) for node in TREE}

CtRadiationDose = _MODELS["CtRadiationDose"]
CtAccumulatedDose = _MODELS["CtAccumulatedDose"]
CtEvent = _MODELS["CtEvent"]
CtXraySource = _MODELS["CtXraySource"]
CtDoseCheck = _MODELS["CtDoseCheck"]
ProjectionXrayDose = _MODELS["ProjectionXrayDose"]
AccumulatedXrayDose = _MODELS["AccumulatedXrayDose"]
AccumProjection = _MODELS["AccumProjection"]
AccumIntegrated = _MODELS["AccumIntegrated"]
AccumCassette = _MODELS["AccumCassette"]
AccumMammography = _MODELS["AccumMammography"]
ProjectionEvent = _MODELS["ProjectionEvent"]
RadiopharmaceuticalDose = _MODELS["RadiopharmaceuticalDose"]
Administration = _MODELS["Administration"]
OrganDose = _MODELS["OrganDose"]
PatientCharacteristics = _MODELS["PatientCharacteristics"]
PetSeries = _MODELS["PetSeries"]

MODEL_BY_NAME: dict[str, Any] = dict(_MODELS)
