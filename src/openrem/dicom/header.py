"""Study, patient and equipment attributes from the top level of any dose object.

PS3.3 C.7.1.1 Patient, C.7.2.1 General Study, C.7.2.2 Patient Study, C.7.5.1 General Equipment,
C.4.10 Imaging Service Request (Request Attributes Sequence), and the Device Observer UID of the
report's observer context (PS3.16 TID 1002 / TID 1004).

Character sets are decoded by pydicom from Specific Character Set (0008,0005) (PS3.5 section 6.1),
including ISO 2022 code extensions and person name component groups (PS3.5 section 6.2.1).

Image objects carry less study information than reports; :func:`read_image_study` adds the
fallbacks OpenREM has always used for image headers (DX, CR, PX, MG, NM, PET) and the vendor
workarounds that go with them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.valuerep import PersonName

from openrem.dicom import codes
from openrem.dicom.records import Equipment, Patient, Study
from openrem.dicom.srtree import ContentItem
from openrem.dicom.values import clean_text, parse_da, parse_ds, parse_tm

if TYPE_CHECKING:
    from openrem.dicom.parse import ParseContext

Warn = Callable[[str], None]

#: Models whose image headers carry the requested procedure only in Study Description (inventory 6.3).
REQUESTED_FROM_STUDY_DESCRIPTION_MODELS = ("CXDI", "DRX-REVOLUTION")


def _ignore(_message: str) -> None:
    return None


def text(ds: Dataset, keyword: str) -> str | None:
    """A string attribute with padding removed, or None when absent or empty.

    Multi-valued person names (PN, PS3.5 6.2) are joined with ``" | "``. Other multi-valued
    strings (for instance Software Versions, LO with VM 1-n) are kept in the form the older
    OpenREM stored, ``"['a', 'b']"``, so that equipment identities stay the same across versions.
    """
    if keyword not in ds:
        return None
    elem = ds[keyword]
    value = elem.value
    if isinstance(value, MultiValue | list | tuple):
        parts = [str(v).strip(" \x00") for v in value]
        parts = [p for p in parts if p]
        if not parts:
            return None
        if elem.VR == "PN":
            return " | ".join(parts)
        return parts[0] if len(parts) == 1 else str(parts)
    if isinstance(value, PersonName):
        return clean_text(str(value))
    return clean_text(value)


def utf8_in_single_byte_text(value: str | None) -> str | None:
    """The repaired text when ``value`` is UTF-8 bytes decoded as ISO 8859-1, else None.

    Some systems write UTF-8 into objects whose Specific Character Set says ISO_IR 100 (PS3.5
    6.1.2.3), so a decoder that follows the standard reads 'æ' as 'Ã¦'. Text whose ISO 8859-1
    bytes are valid UTF-8 with at least one multi-byte sequence is almost never genuine Latin-1.
    Callers record the fix as ``utf8_text_in_latin1_object``.
    """
    if not value or value.isascii():
        return None
    try:
        repaired = value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return repaired if repaired != value else None


def repair_utf8_text(ctx: ParseContext, value: str | None) -> str | None:
    """Vendor fix ``utf8_text_in_latin1_object``: SR text holding UTF-8 bytes in an ISO_IR 100 object.

    Narrow on purpose: only for objects that declare exactly ISO_IR 100 (Latin-1), and only where
    the text read as Latin-1 is valid UTF-8 with a multi-byte sequence (see
    :func:`utf8_in_single_byte_text`). Seen on Siemens CT reports (acquisition protocol).
    """
    charset = ctx.ds.get("SpecificCharacterSet")
    if charset != "ISO_IR 100":
        return value
    repaired = utf8_in_single_byte_text(value)
    if repaired is None:
        return value
    ctx.fixed("utf8_text_in_latin1_object")
    return repaired


def first_code(ds: Dataset, keyword: str) -> tuple[str | None, str | None]:
    """(code value, code meaning) of the first item of a code sequence attribute (PS3.3 8.8)."""
    seq = ds.get(keyword)
    if not seq:
        return None, None
    item = seq[0]
    return clean_text(item.get("CodeValue")), clean_text(item.get("CodeMeaning"))


def requested_procedure(ds: Dataset) -> tuple[str | None, str | None]:
    """(value, meaning) of the requested procedure (PS3.3 C.4.10 and C.7.2.1).

    Requested Procedure Code Sequence (0032,1064) at the top level, then the Request Attributes
    Sequence (0040,0275) items (their Requested Procedure Description, else their code meaning),
    then the top-level Requested Procedure Description (0032,1060).
    """
    value, meaning = first_code(ds, "RequestedProcedureCodeSequence")
    if meaning:
        return value, meaning
    for req in ds.get("RequestAttributesSequence") or ():
        req_value, req_meaning = first_code(req, "RequestedProcedureCodeSequence")
        desc = clean_text(req.get("RequestedProcedureDescription"))
        if desc or req_meaning:
            return req_value, desc or req_meaning
    return value, text(ds, "RequestedProcedureDescription")


MOMENT_SOURCES = ("Study", "Content", "Series", "Acquisition")
"""Where the study date and time are looked for, in order (inventory 6.9)."""


def study_date_time(ds: Dataset, warn: Warn = _ignore) -> tuple[Any, Any]:
    """Study date and time with the fallbacks of inventory 6.9: study, content, series, acquisition.

    The date and its time come from the same place: the first of :data:`MOMENT_SOURCES` with a valid
    date, with its own time, else the time of a later source of the same date (so a report written
    after midnight never pairs the study's date with the next day's time). Without any date, the
    first valid time is kept. A missing date or time stays None (the object is still stored); every
    fallback and every gap is reported through ``warn``.
    """
    moments = [(source, parse_da(ds.get(f"{source}Date")), parse_tm(ds.get(f"{source}Time")))
               for source in MOMENT_SOURCES]
    dated = [m for m in moments if m[1] is not None]
    if not dated:
        warn("no valid Study, Content, Series or Acquisition Date: study date left empty")
        time = next((t for _, _, t in moments if t is not None), None)
        if time is None:
            warn("no valid Study, Content, Series or Acquisition Time: study time left empty")
        return None, time
    source, date, time = dated[0]
    if source != "Study":
        warn(f"no valid Study Date: the {source} Date is used")
    if time is None:
        same_day = next(((s, t) for s, d, t in dated[1:] if d == date and t is not None), None)
        if same_day is None:
            warn(f"no valid {source} Time nor a time of the same date: study time left empty")
        else:
            time = same_day[1]
            warn(f"no valid {source} Time: the {same_day[0]} Time of the same date is used")
    return date, time


def read_study(ds: Dataset, *, warn: Warn | None = None, **overrides: Any) -> Study:
    """General Study attributes (PS3.3 C.7.2.1) with the date/time and requested procedure fallbacks.

    Parameters
    ----------
    ds : Dataset
        The top-level dataset of the object.
    warn : callable, optional
        Receives problems with the input (parsers pass ``ctx.warn``).
    **overrides
        Replace any computed :class:`Study` field (values a parser finds elsewhere).

    Returns
    -------
    Study
        The study record; fields the object lacks are None.
    """
    date, time = study_date_time(ds, warn or _ignore)
    proc_value, proc_meaning = first_code(ds, "ProcedureCodeSequence")
    req_value, req_meaning = requested_procedure(ds)
    values: dict[str, Any] = {
        "study_instance_uid": clean_text(ds.get("StudyInstanceUID")) or "",
        "sop_instance_uid": clean_text(ds.get("SOPInstanceUID")) or "",
        "sop_class_uid": clean_text(ds.get("SOPClassUID")) or "",
        "modality": clean_text(ds.get("Modality")),
        "study_date": date,
        "study_time": time,
        "accession_number": text(ds, "AccessionNumber"),
        "study_description": text(ds, "StudyDescription"),
        "study_id": text(ds, "StudyID"),
        "procedure_code_value": proc_value,
        "procedure_code_meaning": proc_meaning,
        "requested_procedure_code_value": req_value,
        "requested_procedure_code_meaning": req_meaning,
        "operator_name": text(ds, "OperatorsName"),
        "performing_physician_name": text(ds, "PerformingPhysicianName"),
        "referring_physician_name": text(ds, "ReferringPhysicianName"),
        "series_instance_uid": clean_text(ds.get("SeriesInstanceUID")),
        "series_time": parse_tm(ds.get("SeriesTime")),
        "content_time": parse_tm(ds.get("ContentTime")),
    }
    values.update(overrides)
    return Study(**values)


# ------------------------------------------------------------------------ image header fallbacks


def requested_from_study_description(ctx: ParseContext, meaning: str | None) -> str | None:
    """Canon CXDI and Carestream DRX-Revolution images: requested procedure only in Study Description."""
    if meaning or not any(m in ctx.model.upper() for m in REQUESTED_FROM_STUDY_DESCRIPTION_MODELS):
        return meaning
    desc = text(ctx.ds, "StudyDescription")
    if desc:
        ctx.fixed("requested_procedure_from_study_description")
    return desc


def read_image_study(ctx: ParseContext, *, performed_protocol: bool = True, **overrides: Any) -> Study:
    """:func:`read_study` plus the image header fallbacks of inventory 6.3 (DX/CR/PX, MG, NM/PET).

    * study description: Study Description, Series Description, procedure code meaning;
    * procedure: Procedure Code Sequence, Protocol Name, Study Description, Series Description;
    * requested procedure: :func:`requested_procedure`, Procedure Code Sequence, then (when
      ``performed_protocol``) Performed Protocol Code Sequence (0040,0260); the mammography
      importer never used the last one, so MG parsers pass ``performed_protocol=False``.

    Parameters
    ----------
    ctx : ParseContext
        The parse context (warnings and vendor fixes are recorded on it).
    performed_protocol : bool
        Use Performed Protocol Code Sequence as the last requested procedure fallback.
    **overrides
        Replace any computed :class:`Study` field.

    Returns
    -------
    Study
        The study record with the image fallbacks applied.
    """
    ds = ctx.ds
    base = read_study(ds, warn=ctx.warn)
    proc_value, proc_meaning = base.procedure_code_value, base.procedure_code_meaning
    series_desc = text(ds, "SeriesDescription")
    study_desc = base.study_description or series_desc or proc_meaning
    proc_meaning = proc_meaning or text(ds, "ProtocolName") or base.study_description or series_desc
    req_value, req_meaning = base.requested_procedure_code_value, base.requested_procedure_code_meaning
    if not req_meaning:
        req_value, req_meaning = first_code(ds, "ProcedureCodeSequence")
    if not req_meaning and performed_protocol:
        req_value, req_meaning = first_code(ds, "PerformedProtocolCodeSequence")
    req_meaning = requested_from_study_description(ctx, req_meaning)
    values: dict[str, Any] = {
        "study_description": study_desc,
        "procedure_code_value": proc_value,
        "procedure_code_meaning": proc_meaning,
        "requested_procedure_code_value": req_value,
        "requested_procedure_code_meaning": req_meaning,
    }
    values.update(overrides)
    return Study(**{**_fields(base), **values})


def _fields(study: Study) -> dict[str, Any]:
    return {name: getattr(study, name) for name in Study.__dataclass_fields__}


# ------------------------------------------------------------------------------- patient / device


def _measure(ds: Dataset, keyword: str, warn: Warn) -> float | None:
    """A DS patient measurement; text (some vendors write words into Patient Size) is dropped."""
    if keyword not in ds:
        return None
    raw = ds.get_item(keyword)
    value = raw.value if raw is not None else None
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if value is None or not str(value).strip(" \x00"):
        return None
    number = parse_ds(value)
    if number is None:
        warn(f"{keyword} {str(value).strip()!r} is not a number: ignored")
    return number


def read_patient(ds: Dataset, *, warn: Warn | None = None) -> Patient:
    """Patient (C.7.1.1) and Patient Study (C.7.2.2) attributes as sent; storage rules apply later.

    Patient Size is in metres and Patient Weight in kilograms (PS3.3 C.7.2.2).

    Parameters
    ----------
    ds : Dataset
        The top-level dataset of the object.
    warn : callable, optional
        Receives a message for each measurement that is not a number (it is dropped).

    Returns
    -------
    Patient
        The patient record.
    """
    report = warn or _ignore
    return Patient(
        name=text(ds, "PatientName"),
        patient_id=text(ds, "PatientID"),
        birth_date=parse_da(ds.get("PatientBirthDate")),
        sex=clean_text(ds.get("PatientSex")),
        age=clean_text(ds.get("PatientAge")),
        size=_measure(ds, "PatientSize", report),
        weight=_measure(ds, "PatientWeight", report),
    )


def device_observer_uid(root: ContentItem | None) -> str | None:
    """The Device Observer UID (TID 1004, 121012): a UIDREF, or TEXT from some vendors."""
    if root is None:
        return None
    item = root.find(codes.DEVICE_OBSERVER_UID)
    return clean_text(item.as_text()) if item is not None else None


def read_equipment(ds: Dataset, root: ContentItem | None = None, *, use_observer_uid: bool = True) -> Equipment:
    """General Equipment attributes (C.7.5.1) plus the Device Observer UID when the report has one."""
    return Equipment(
        manufacturer=text(ds, "Manufacturer"),
        institution_name=text(ds, "InstitutionName"),
        station_name=text(ds, "StationName"),
        institutional_department_name=text(ds, "InstitutionalDepartmentName"),
        manufacturer_model_name=text(ds, "ManufacturerModelName"),
        device_serial_number=text(ds, "DeviceSerialNumber"),
        software_versions=text(ds, "SoftwareVersions"),
        gantry_id=text(ds, "GantryID"),
        device_observer_uid=device_observer_uid(root) if use_observer_uid else None,
    )
