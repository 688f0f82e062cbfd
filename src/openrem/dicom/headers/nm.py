"""NM and PET image headers: the administration and, for PET, the series (inventory 6.7).

PS3.3 C.8.4.10 NM Isotope Module and C.8.9.2 PET Isotope Module (Radiopharmaceutical Information
Sequence (0054,0016)), C.8.9.1 PET Series Module and C.8.9.4 PET Image Module.

The administration read from an image has no Radiopharmaceutical Administration Event UID: a later
RRDSR for the same study (TID 10021) replaces it. Radionuclide Total Dose (0018,1074) is in Bq in
the PET Isotope Module of PET objects and in MBq in the NM Isotope Module of NM objects (decided by
the SOP class, not the Modality); the record stores MBq. The two units are a factor of 10^6 apart
and no administration lies near :data:`BQ_FROM`: a value on the other side of it than the object's
unit allows is read in the other unit (named fix ``activity_unit_by_magnitude``).
"""

from __future__ import annotations

import datetime as dt

from pydicom.dataset import Dataset

from openrem.dicom.classify import ENHANCED_PET_IMAGE, LEGACY_ENHANCED_PET_IMAGE, PET_IMAGE, Kind
from openrem.dicom.header import read_equipment, read_image_study, read_patient, text
from openrem.dicom.parse import ParseContext, ParseFailure, parser
from openrem.dicom.records import Administration, Coded, DoseReport, PetSeries, RadiopharmaceuticalDose
from openrem.dicom.values import clean_text, combine, parse_da, parse_ds, parse_dt, parse_int, parse_tm

BQ_PER_MBQ = 1e6
BQ_FROM = 1e5
"""Radionuclide Total Dose from which the value is in Bq: 100 GBq if it were MBq (above any
administration, therapies included), 0.1 MBq as Bq (below any imaging administration)."""


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
    administration = read_image_administration(ctx, in_bq=str(ds.get("SOPClassUID", "") or "") in PET_CLASSES)
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


PET_CLASSES = frozenset({PET_IMAGE, ENHANCED_PET_IMAGE, LEGACY_ENHANCED_PET_IMAGE})
"""Objects with the PET Isotope Module (PS3.3 C.8.9.2): Radionuclide Total Dose in Bq."""


def is_pet(ds: Dataset) -> bool:
    """True for PET Image and Enhanced PET Image objects (or Modality PT): a PET series is read."""
    sop_class = str(ds.get("SOPClassUID", "") or "")
    return sop_class in PET_CLASSES or str(ds.get("Modality", "") or "").upper() == "PT"


def _activity_mbq(ctx: ParseContext, total: float, in_bq: bool) -> float:
    """Radionuclide Total Dose in MBq, from Bq (``in_bq``) or MBq; by magnitude when the value
    cannot be in the object's unit."""
    if in_bq != (total >= BQ_FROM) and total > 0:
        in_bq = not in_bq
        ctx.fixed("activity_unit_by_magnitude")
        ctx.warn(f"Radionuclide Total Dose (0018,1074) {total:g} cannot be in "
                 f"{'MBq' if in_bq else 'Bq'} for this object; read in {'Bq' if in_bq else 'MBq'}")
    return total / BQ_PER_MBQ if in_bq else total


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


def _series_moment(ds: Dataset) -> tuple[dt.date | None, dt.time | None]:
    """The date and time a Radiopharmaceutical Start/Stop Time refers to: the Series Date and Time
    (the time base PS3.3 C.8.4.10 names), else the acquisition's, else the study's."""
    for prefix in ("Series", "Acquisition", "Study"):
        day = parse_da(ds.get(f"{prefix}Date"))
        if day is not None:
            return day, parse_tm(ds.get(f"{prefix}Time"))
    return None, None


def _administration_times(ctx: ParseContext, info: Dataset) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Radiopharmaceutical Start/Stop DateTime (0018,1078/1079), else the Start/Stop Time (0018,1072/
    1073) on the date of the series; an administration starts before its series, so a start time
    later in the day than the series time was on the day before (an injection before midnight)."""
    start_time = parse_tm(info.get("RadiopharmaceuticalStartTime"))
    stop_time = parse_tm(info.get("RadiopharmaceuticalStopTime"))
    start = parse_dt(info.get("RadiopharmaceuticalStartDateTime"), start_time)
    stop = parse_dt(info.get("RadiopharmaceuticalStopDateTime"), stop_time)
    day, series_time = _series_moment(ctx.ds)
    if start is None and start_time is not None and day is not None:
        start = combine(day, start_time)
        if start is not None and series_time is not None and start_time > series_time:
            start -= dt.timedelta(days=1)
            ctx.warn(f"Radiopharmaceutical Start Time {start_time.isoformat()} is after the series time "
                     f"{series_time.isoformat()}: taken on the day before, {start.date().isoformat()}")
    if stop is None and stop_time is not None and day is not None:
        stop = combine(start.date() if start is not None else day, stop_time)
        if stop is not None and start is not None and stop < start:
            stop += dt.timedelta(days=1)
    return start, stop


def read_image_administration(ctx: ParseContext, *, in_bq: bool) -> Administration | None:
    """The first Radiopharmaceutical Information Sequence item as an administration without event UID."""
    seq = ctx.ds.get("RadiopharmaceuticalInformationSequence")
    if not seq:
        ctx.warn("no Radiopharmaceutical Information Sequence (0054,0016): no administration recorded")
        return None
    if len(seq) > 1:
        ctx.warn(f"Radiopharmaceutical Information Sequence has {len(seq)} items: only the first is used")
    info = seq[0]
    start, stop = _administration_times(ctx, info)
    total = parse_ds(info.get("RadionuclideTotalDose"))
    if total is None:
        ctx.warn("Radionuclide Total Dose (0018,1074) missing or not a number")
    else:
        total = _activity_mbq(ctx, total, in_bq)
    return Administration(
        radiopharmaceutical_agent=_code(info, "RadiopharmaceuticalCodeSequence"),
        radiopharmaceutical_agent_string=text(info, "Radiopharmaceutical"),
        radionuclide=_code(info, "RadionuclideCodeSequence"),
        radionuclide_half_life=parse_ds(info.get("RadionuclideHalfLife")),
        radiopharmaceutical_specific_activity=parse_ds(info.get("RadiopharmaceuticalSpecificActivity")),
        administered_activity=total,
        radiopharmaceutical_start_datetime=start,
        radiopharmaceutical_stop_datetime=stop,
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
