"""Study, patient and equipment attributes from the top level of any dose object.

PS3.3 C.7.1.1 Patient, C.7.2.1 General Study, C.7.2.2 Patient Study, C.7.5.1 General Equipment,
and the Device Observer UID of the report's observer context (TID 1002 / TID 1004).
"""

from __future__ import annotations

from typing import Any

from pydicom.dataset import Dataset

from openrem.dicom import codes
from openrem.dicom.records import Equipment, Patient, Study
from openrem.dicom.srtree import ContentItem
from openrem.dicom.values import clean_text, parse_da, parse_ds, parse_tm


def text(ds: Dataset, keyword: str) -> str | None:
    """A string attribute with padding removed; multi-valued person names joined with ' | '."""
    elem = ds.get(keyword)
    if elem is None:
        return None
    if isinstance(elem, list | tuple) or type(elem).__name__ == "MultiValue":
        parts = [str(v).strip() for v in elem if str(v).strip()]
        return " | ".join(parts) or None
    return clean_text(elem)


def first_code(ds: Dataset, keyword: str) -> tuple[str | None, str | None]:
    """(code value, code meaning) of the first item of a code sequence attribute."""
    seq = ds.get(keyword)
    if not seq:
        return None, None
    item = seq[0]
    return clean_text(item.get("CodeValue")), clean_text(item.get("CodeMeaning"))


def _requested_procedure(ds: Dataset) -> tuple[str | None, str | None]:
    value, meaning = first_code(ds, "RequestedProcedureCodeSequence")
    if meaning:
        return value, meaning
    for req in ds.get("RequestAttributesSequence") or ():
        desc = clean_text(req.get("RequestedProcedureDescription"))
        seq = req.get("RequestedProcedureCodeSequence")
        if seq:
            return clean_text(seq[0].get("CodeValue")), clean_text(seq[0].get("CodeMeaning")) or desc
        if desc:
            return None, desc
    return None, text(ds, "RequestedProcedureDescription")


def read_study(ds: Dataset, **overrides: Any) -> Study:
    """General Study attributes, with the date and time fallbacks OpenREM has always used."""
    date = parse_da(ds.get("StudyDate")) or parse_da(ds.get("ContentDate")) or parse_da(ds.get("SeriesDate"))
    time = parse_tm(ds.get("StudyTime")) or parse_tm(ds.get("ContentTime")) or parse_tm(ds.get("SeriesTime"))
    proc_value, proc_meaning = first_code(ds, "ProcedureCodeSequence")
    req_value, req_meaning = _requested_procedure(ds)
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


def read_patient(ds: Dataset) -> Patient:
    """Patient and Patient Study attributes as sent (storage rules are applied at ingest)."""
    return Patient(
        name=text(ds, "PatientName"),
        patient_id=text(ds, "PatientID"),
        birth_date=parse_da(ds.get("PatientBirthDate")),
        sex=clean_text(ds.get("PatientSex")),
        age=clean_text(ds.get("PatientAge")),
        size=parse_ds(ds.get_item("PatientSize").value if "PatientSize" in ds else None),
        weight=parse_ds(ds.get_item("PatientWeight").value if "PatientWeight" in ds else None),
    )


def device_observer_uid(root: ContentItem | None) -> str | None:
    """The Device Observer UID of the report's observer context (UID or, for some vendors, TEXT)."""
    if root is None:
        return None
    item = root.find(codes.DEVICE_OBSERVER_UID)
    return item.as_text() if item is not None else None


def read_equipment(ds: Dataset, root: ContentItem | None = None, *, use_observer_uid: bool = True) -> Equipment:
    """General Equipment attributes plus the Device Observer UID when the report has one."""
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
