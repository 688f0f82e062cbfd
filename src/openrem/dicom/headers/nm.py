"""NM and PET image headers: the administration and, for PET, the series (inventory 6.7).

PS3.3 C.8.4.10 NM Isotope Module and C.8.9.2 PET Isotope Module (Radiopharmaceutical Information
Sequence (0054,0016)), C.8.9.1 PET Series Module and C.8.9.4 PET Image Module.

The administration read from an image has no Radiopharmaceutical Administration Event UID: a later
RRDSR for the same study (TID 10021) replaces it. Radionuclide Total Dose (0018,1074) is in Bq in
PET objects and in MBq in NM objects; the record stores MBq.
"""

from __future__ import annotations

import datetime as dt

from pydicom.dataset import Dataset

from openrem.dicom.classify import ENHANCED_PET_IMAGE, PET_IMAGE, Kind
from openrem.dicom.header import read_equipment, read_image_study, read_patient, text
from openrem.dicom.parse import ParseContext, ParseFailure, parser
from openrem.dicom.records import Administration, Coded, DoseReport, PetSeries, RadiopharmaceuticalDose
from openrem.dicom.values import clean_text, combine, parse_da, parse_ds, parse_dt, parse_int, parse_tm

BQ_PER_MBQ = 1e6


@parser(Kind.NM_IMAGE)
def parse(ctx: ParseContext) -> DoseReport:
    """Read an NM or PET image header into a :class:`DoseReport` (modality NM, kind ``nm_image``).

    Parameters
    ----------
    ctx : ParseContext
        Dataset of an NM Image (PS3.3 A.5) or PET Image (A.21) object.

    Returns
    -------
    DoseReport
        One :class:`RadiopharmaceuticalDose` with one administration (no event UID) and, for PET,
        one :class:`PetSeries`.

    Raises
    ------
    ParseFailure
        When the object has no Study Instance UID.
    """
    ds = ctx.ds
    study = read_image_study(ctx)
    if not study.study_instance_uid:
        raise ParseFailure("NM/PET image without Study Instance UID")
    pet = is_pet(ds)
    administration = read_image_administration(ctx, pet=pet)
    series = read_pet_series(ctx) if pet else None
    dose = RadiopharmaceuticalDose(
        administrations=(administration,) if administration is not None else (),
        pet_series=(series,) if series is not None else (),
    )
    return DoseReport(
        kind=Kind.NM_IMAGE.value,
        modality="NM",
        study=study,
        patient=read_patient(ds, warn=ctx.warn),
        equipment=read_equipment(ds, None, use_observer_uid=False),
        radiopharmaceutical_radiation_dose=(dose,),
        warnings=tuple(ctx.warnings),
        vendor_fixes=tuple(ctx.fixes),
    )


def is_pet(ds: Dataset) -> bool:
    """True for PET Image and Enhanced PET Image objects (or Modality PT)."""
    sop_class = str(ds.get("SOPClassUID", "") or "")
    return sop_class in (PET_IMAGE, ENHANCED_PET_IMAGE) or str(ds.get("Modality", "") or "").upper() == "PT"


def _code(ds: Dataset, keyword: str) -> Coded | None:
    """First item of a code sequence (PS3.3 8.8) as a :class:`Coded`."""
    seq = ds.get(keyword)
    if not seq:
        return None
    item = seq[0]
    value = clean_text(item.get("CodeValue") or item.get("LongCodeValue") or item.get("URNCodeValue"))
    if value is None:
        return None
    return Coded(value, clean_text(item.get("CodingSchemeDesignator")) or "", clean_text(item.get("CodeMeaning")) or "")


def _datetime(info: Dataset, study_date: dt.date | None, which: str) -> dt.datetime | None:
    """Radiopharmaceutical Start/Stop DateTime (0018,1078/1079), else its Time with the study date."""
    value = parse_dt(info.get(f"Radiopharmaceutical{which}DateTime"))
    if value is not None:
        return value
    time = parse_tm(info.get(f"Radiopharmaceutical{which}Time"))
    return combine(study_date, time) if time is not None else None


def read_image_administration(ctx: ParseContext, *, pet: bool) -> Administration | None:
    """The first Radiopharmaceutical Information Sequence item as an administration without event UID."""
    seq = ctx.ds.get("RadiopharmaceuticalInformationSequence")
    if not seq:
        ctx.warn("no Radiopharmaceutical Information Sequence (0054,0016): no administration recorded")
        return None
    if len(seq) > 1:
        ctx.warn(f"Radiopharmaceutical Information Sequence has {len(seq)} items: only the first is used")
    info = seq[0]
    study_date = parse_da(ctx.ds.get("StudyDate"))
    total = parse_ds(info.get("RadionuclideTotalDose"))
    if total is None:
        ctx.warn("Radionuclide Total Dose (0018,1074) missing or not a number")
    elif pet:
        total /= BQ_PER_MBQ
    return Administration(
        radiopharmaceutical_agent=_code(info, "RadiopharmaceuticalCodeSequence"),
        radiopharmaceutical_agent_string=text(info, "Radiopharmaceutical"),
        radionuclide=_code(info, "RadionuclideCodeSequence"),
        radionuclide_half_life=parse_ds(info.get("RadionuclideHalfLife")),
        radiopharmaceutical_specific_activity=parse_ds(info.get("RadiopharmaceuticalSpecificActivity")),
        administered_activity=total,
        radiopharmaceutical_start_datetime=_datetime(info, study_date, "Start"),
        radiopharmaceutical_stop_datetime=_datetime(info, study_date, "Stop"),
        radiopharmaceutical_volume=parse_ds(info.get("RadiopharmaceuticalVolume")),
        route_of_administration=_code(info, "AdministrationRouteCodeSequence"),
    )


def _strings(ds: Dataset, keyword: str) -> tuple[str, ...]:
    """A multi-valued CS attribute as a tuple of non-empty strings."""
    value = ds.get(keyword)
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    return tuple(s for s in (str(v).strip() for v in items) if s)


def _energy_window(ds: Dataset) -> tuple[float | None, float | None]:
    """Lower and upper limit (keV) of the first Energy Window Range Sequence (0054,0013) item."""
    seq = ds.get("EnergyWindowRangeSequence")
    if not seq:
        return None, None
    return parse_ds(seq[0].get("EnergyWindowLowerLimit")), parse_ds(seq[0].get("EnergyWindowUpperLimit"))


def read_pet_series(ctx: ParseContext) -> PetSeries | None:
    """PET Series Module (C.8.9.1) attributes of this image's series."""
    ds = ctx.ds
    uid = clean_text(ds.get("SeriesInstanceUID"))
    if uid is None:
        ctx.warn("PET image without Series Instance UID: no PET series recorded")
        return None
    lower, upper = _energy_window(ds)
    return PetSeries(
        series_uid=uid,
        series_datetime=combine(parse_da(ds.get("SeriesDate")), parse_tm(ds.get("SeriesTime"))),
        number_of_rr_intervals=parse_int(ds.get("NumberOfRRIntervals")),
        number_of_time_slots=parse_int(ds.get("NumberOfTimeSlots")),
        number_of_time_slices=parse_int(ds.get("NumberOfTimeSlices")),
        number_of_slices=parse_int(ds.get("NumberOfSlices")),
        reconstruction_method=text(ds, "ReconstructionMethod"),
        coincidence_window_width=parse_ds(ds.get("CoincidenceWindowWidth")),
        energy_window_lower_limit=lower,
        energy_window_upper_limit=upper,
        scan_progression_direction=text(ds, "ScanProgressionDirection"),
        corrections=_strings(ds, "CorrectedImage"),
        types=_strings(ds, "SeriesType"),
    )
