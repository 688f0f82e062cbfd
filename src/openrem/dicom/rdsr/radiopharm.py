"""Radiopharmaceutical Radiation Dose SR (RRDSR) parser.

PS3.16 TID 10021 Radiopharmaceutical Radiation Dose, with TID 10022 Radiopharmaceutical
Administration Event Data, TID 10023 Organ Dose and the Patient Characteristics container
(121118). Concepts are matched by code value and coding scheme; SNOMED CT (SCT) and the legacy
SNOMED-RT (SRT) codes are both accepted (see :mod:`openrem.dicom.codes`).

Units are those of :mod:`openrem.dicom.records`: administered activity MBq, half-life s, height m,
weight kg, effective dose mSv, organ dose mGy (the unit TID 10023 prescribes). Numeric items whose
unit (UCUM, PS3.16 CID 82/83) is another known unit are converted; an unknown unit drops the value
with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping

from openrem.dicom import codes
from openrem.dicom.classify import Kind
from openrem.dicom.codes import Concept
from openrem.dicom.header import read_equipment, read_patient, read_study
from openrem.dicom.parse import ParseContext, ParseFailure, parser
from openrem.dicom.quantity import read_value
from openrem.dicom.rdsr.moments import read_datetime
from openrem.dicom.records import (
    Administration,
    DoseReport,
    OrganDose,
    PatientCharacteristics,
    RadiopharmaceuticalDose,
)
from openrem.dicom.srtree import ContentItem
from openrem.dicom.values import clean_text

# Factors that convert a value in the given UCUM unit to the unit the record stores.
ACTIVITY_MBQ: Mapping[str, float] = {"MBq": 1.0, "Bq": 1e-6, "kBq": 1e-3, "GBq": 1e3, "mCi": 37.0}
TIME_S: Mapping[str, float] = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
DOSE_MGY: Mapping[str, float] = {"mGy": 1.0, "Gy": 1e3, "uGy": 1e-3}
DOSE_MSV: Mapping[str, float] = {"mSv": 1.0, "Sv": 1e3, "uSv": 1e-3}
AGE_YEARS: Mapping[str, float] = {"a": 1.0, "mo": 1 / 12, "wk": 7 / 365.25, "d": 1 / 365.25}
LENGTH_M: Mapping[str, float] = {"m": 1.0, "cm": 0.01, "mm": 0.001}
MASS_KG: Mapping[str, float] = {"kg": 1.0, "g": 1e-3}
MASS_G: Mapping[str, float] = {"g": 1.0, "kg": 1e3}
AREA_M2: Mapping[str, float] = {"m2": 1.0}
BMI: Mapping[str, float] = {"kg/m2": 1.0}
GLUCOSE_MMOL_L: Mapping[str, float] = {"mmol/L": 1.0, "mmol/l": 1.0, "mg/dL": 1 / 18.016, "mg/dl": 1 / 18.016}
DURATION_H: Mapping[str, float] = {"h": 1.0, "min": 1 / 60, "s": 1 / 3600, "d": 24.0}
VOLUME_ML: Mapping[str, float] = {"ml": 1.0, "mL": 1.0, "cm3": 1.0, "l": 1e3, "L": 1e3}
CREATININE_MG_DL: Mapping[str, float] = {"mg/dL": 1.0, "mg/dl": 1.0, "umol/L": 1 / 88.42, "umol/l": 1 / 88.42}


@parser(Kind.RRDSR)
def parse(ctx: ParseContext) -> DoseReport:
    """Read a TID 10021 report into a :class:`DoseReport` (modality NM, kind ``rrdsr``).

    Parameters
    ----------
    ctx : ParseContext
        Dataset and SR root of a Radiopharmaceutical Radiation Dose SR (PS3.3 A.35.14).

    Returns
    -------
    DoseReport
        One :class:`RadiopharmaceuticalDose` with its administrations and patient characteristics.

    Raises
    ------
    ParseFailure
        When the object has no SR content or no Study Instance UID.
    """
    root = ctx.root
    if root is None:
        raise ParseFailure("radiopharmaceutical dose report without SR content")
    study = read_study(ctx.ds, warn=ctx.warn)
    if not study.study_instance_uid:
        raise ParseFailure("radiopharmaceutical dose report without Study Instance UID")
    dose = read_radiopharmaceutical_dose(ctx, root)
    return DoseReport(
        kind=Kind.RRDSR.value,
        modality="NM",
        study=study,
        patient=read_patient(ctx.ds, warn=ctx.warn),
        equipment=read_equipment(ctx.ds, root),
        radiopharmaceutical_radiation_dose=(dose,),
        warnings=tuple(ctx.warnings),
        vendor_fixes=tuple(ctx.fixes),
    )


def read_radiopharmaceutical_dose(ctx: ParseContext, root: ContentItem) -> RadiopharmaceuticalDose:
    """TID 10021: associated procedure (with its Has Intent modifier), administrations, patient."""
    procedure = root.find(codes.ASSOCIATED_PROCEDURE)
    intent = procedure.coded(codes.HAS_INTENT) if procedure is not None else None
    administrations = tuple(
        read_administration(ctx, item) for item in root.find_all(codes.RADIOPHARMACEUTICAL_ADMINISTRATION)
    )
    if not administrations:
        ctx.warn("radiopharmaceutical dose report without a Radiopharmaceutical Administration (113502)")
    return RadiopharmaceuticalDose(
        associated_procedure=procedure.as_coded() if procedure is not None else None,
        has_intent=intent or root.coded(codes.HAS_INTENT),
        comment=clean_text(root.txt(codes.COMMENT)),
        administrations=administrations,
        patient_characteristics=tuple(
            read_patient_characteristics(ctx, item) for item in root.find_all(codes.PATIENT_CHARACTERISTICS)
        ),
    )


# ----------------------------------------------------------------------------------- values


def measure(
    ctx: ParseContext, item: ContentItem | None, concept: Concept, units: Mapping[str, float] | None = None,
) -> float | None:
    """Numeric value of child ``concept`` of ``item`` converted with ``units`` (UCUM code -> factor).

    Read by the one rule of :mod:`openrem.dicom.quantity` (missing unit: kept with a warning;
    unknown unit: dropped with a warning).

    Parameters
    ----------
    ctx : ParseContext
        Collects the warnings.
    item : ContentItem or None
        The parent content item.
    concept : Concept
        Concept name of the NUM child (PS3.3 C.18.1).
    units : mapping, optional
        UCUM unit code -> factor to the stored unit; None accepts any unit unchanged.

    Returns
    -------
    float or None
        The converted value, or None when absent or unusable.
    """
    child = item.find(concept) if item is not None else None
    if child is None:
        return None
    return read_value(child, units, ctx, concept.name)


# ------------------------------------------------------------------------- TID 10022 / 10023


def read_administration(ctx: ParseContext, item: ContentItem) -> Administration:
    """TID 10022 Radiopharmaceutical Administration Event Data."""
    agent = item.find(codes.RADIOPHARMACEUTICAL_AGENT)
    props = agent if agent is not None else item
    uid = clean_text(item.txt(codes.RADIOPHARMACEUTICAL_ADMINISTRATION_EVENT_UID))
    if uid is None:
        ctx.warn("Radiopharmaceutical Administration Event UID (113503) missing")
    activity = measure(ctx, item, codes.ADMINISTERED_ACTIVITY, ACTIVITY_MBQ)
    if activity is None:
        ctx.warn("Administered activity (113507) missing or unusable")
    return Administration(
        radiopharmaceutical_agent=agent.as_coded() if agent is not None else None,
        radiopharmaceutical_agent_string=clean_text(agent.text) if agent is not None else None,
        radionuclide=props.coded(codes.RADIONUCLIDE) or item.coded(codes.RADIONUCLIDE),
        radionuclide_half_life=_first_measure(ctx, (props, item), codes.RADIONUCLIDE_HALF_LIFE, TIME_S),
        radiopharmaceutical_specific_activity=_first_measure(
            ctx, (props, item), codes.RADIOPHARMACEUTICAL_SPECIFIC_ACTIVITY, None,
        ),
        administered_activity=activity,
        effective_dose=effective_dose(ctx, item),
        radiopharmaceutical_start_datetime=read_datetime(ctx, item, codes.RADIOPHARMACEUTICAL_START_DATETIME),
        radiopharmaceutical_stop_datetime=read_datetime(ctx, item, codes.RADIOPHARMACEUTICAL_STOP_DATETIME),
        radiopharmaceutical_volume=measure(ctx, item, codes.RADIOPHARMACEUTICAL_VOLUME, VOLUME_ML),
        route_of_administration=item.coded(codes.ROUTE_OF_ADMINISTRATION),
        laterality=item.coded(codes.LATERALITY),
        radiopharmaceutical_administration_event_uid=uid,
        comment=clean_text(item.txt(codes.COMMENT)),
        organ_doses=tuple(read_organ_dose(ctx, c) for c in item.find_all(codes.ORGAN_DOSE_INFORMATION)),
    )


def _first_measure(
    ctx: ParseContext, items: tuple[ContentItem, ...], concept: Concept, units: Mapping[str, float] | None,
) -> float | None:
    for item in items:
        value = measure(ctx, item, concept, units)
        if value is not None:
            return value
    return None


def effective_dose(ctx: ParseContext, item: ContentItem) -> float | None:
    """Effective Dose (113839, mSv) of an administration: a direct child, else a vendor container."""
    value = measure(ctx, item, codes.EFFECTIVE_DOSE, DOSE_MSV)
    if value is not None:
        return value
    return siemens_effective_dose_container(ctx, item)


def siemens_effective_dose_container(ctx: ParseContext, item: ContentItem) -> float | None:
    """Siemens puts Effective Dose inside a private container (220001, 99SHS) of the administration."""
    container = item.find(codes.SIEMENS_EFFECTIVE_DOSE_INFORMATION)
    value = measure(ctx, container, codes.EFFECTIVE_DOSE, DOSE_MSV)
    if value is not None:
        ctx.fixed("siemens_effective_dose_container")
    return value


def _text_or_meaning(*items: ContentItem | None, concept: Concept) -> str | None:
    for item in items:
        if item is not None:
            value = clean_text(item.txt(concept))
            if value:
                return value
    return None


def read_organ_dose(ctx: ParseContext, item: ContentItem) -> OrganDose:
    """TID 10023 Organ Dose: finding site, laterality, mass, method, dose (mGy), reference authority."""
    dose_item = item.find(codes.ORGAN_DOSE)
    return OrganDose(
        finding_site=item.coded(codes.FINDING_SITE),
        laterality=item.coded(codes.LATERALITY),
        mass=measure(ctx, item, codes.ORGAN_MASS, MASS_G),
        measurement_method=_text_or_meaning(dose_item, item, concept=codes.MEASUREMENT_METHOD),
        organ_dose=measure(ctx, item, codes.ORGAN_DOSE, DOSE_MGY),
        reference_authority=_text_or_meaning(dose_item, item, concept=codes.REFERENCE_AUTHORITY),
    )


def read_patient_characteristics(ctx: ParseContext, item: ContentItem) -> PatientCharacteristics:
    """Patient Characteristics (121118) of TID 10021: age, sex, height, weight and lab values."""
    return PatientCharacteristics(
        subject_age=measure(ctx, item, codes.SUBJECT_AGE, AGE_YEARS),
        subject_sex=item.coded(codes.SUBJECT_SEX),
        patient_height=measure(ctx, item, codes.PATIENT_HEIGHT, LENGTH_M),
        patient_weight=measure(ctx, item, codes.PATIENT_WEIGHT, MASS_KG),
        body_surface_area=measure(ctx, item, codes.BODY_SURFACE_AREA, AREA_M2),
        body_mass_index=measure(ctx, item, codes.BODY_MASS_INDEX, BMI),
        glucose=measure(ctx, item, codes.GLUCOSE, GLUCOSE_MMOL_L),
        fasting_duration=measure(ctx, item, codes.FASTING_DURATION, DURATION_H),
        hydration_volume=measure(ctx, item, codes.HYDRATION_VOLUME, VOLUME_ML),
        serum_creatinine=measure(ctx, item, codes.SERUM_CREATININE, CREATININE_MG_DL),
    )
