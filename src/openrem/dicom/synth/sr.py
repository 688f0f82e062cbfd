"""SR document helpers shared by the X-ray and radiopharmaceutical dose reports.

PS3.3 C.17.2 SR Document General Module and C.17.3 SR Document Content Module (root content item
with Content Template Sequence, PS3.3 Table C.18.8-1), and PS3.16 TID 1002 Observer Context with
TID 1004 Device Observer Identifying Attributes.
"""

from __future__ import annotations

import datetime as dt

from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.tag import Tag

from openrem.dicom.synth import encode as e
from openrem.dicom.synth import vocab as v
from openrem.dicom.synth.common import DeviceSpec, fmt_dt
from openrem.dicom.synth.encode import Code


def _raw(group: int, elem: int, vr: str, value: bytes) -> RawDataElement:
    return RawDataElement(Tag(group, elem), vr, len(value), value, 0, False, True)


def sr_document(ds: Dataset, title: Code, template: str, children: list[bytes], when: dt.datetime) -> Dataset:
    """Add the SR Document General and Content modules with root container ``title``.

    The root is a CONTAINER with Continuity of Content SEPARATE and Content Template Sequence
    (Mapping Resource DCMR, Template Identifier ``template``); ``children`` are encoded items.
    """
    ds.InstanceCreationDate = ds.ContentDate
    ds.InstanceCreationTime = ds.ContentTime
    ds.ReferencedPerformedProcedureStepSequence = []
    ds.PerformedProcedureCodeSequence = []
    ds.ValueType = "CONTAINER"
    ds[Tag(0x0040, 0xA043)] = _raw(0x0040, 0xA043, "SQ", e.item(e.code_body(title)))
    ds.ContinuityOfContent = "SEPARATE"
    ds.CompletionFlag = "COMPLETE"
    ds.VerificationFlag = "UNVERIFIED"
    tpl = e.item(e.text_element(0x0008, 0x0105, "CS", "DCMR") + e.text_element(0x0040, 0xDB00, "CS", template))
    ds[Tag(0x0040, 0xA504)] = _raw(0x0040, 0xA504, "SQ", tpl)
    ds[Tag(0x0040, 0xA730)] = e.content_sequence(children)
    ds.ContentDate = when.strftime("%Y%m%d")
    ds.ContentTime = when.strftime("%H%M%S")
    return ds


def has_intent_procedure(procedure: Code, intent: Code = v.DIAGNOSTIC_INTENT) -> bytes:
    """Procedure reported (121058) with its Has Intent concept modifier (TID 10001 / 10011 rows 2-3)."""
    return e.code("HAS CONCEPT MOD", v.PROCEDURE_REPORTED, procedure,
                  [e.code("HAS CONCEPT MOD", v.HAS_INTENT, intent)])


def device_observer(device: DeviceSpec) -> list[bytes]:
    """TID 1002 observer context for a device observer, with the TID 1004 identifying attributes."""
    rel = "HAS OBS CONTEXT"
    return [
        e.code(rel, v.OBSERVER_TYPE, v.DEVICE),
        e.uidref(rel, v.DEVICE_OBSERVER_UID, device.observer_uid),
        e.text(rel, v.DEVICE_OBSERVER_NAME, device.station),
        e.text(rel, v.DEVICE_OBSERVER_MANUFACTURER, device.manufacturer),
        e.text(rel, v.DEVICE_OBSERVER_MODEL, device.model),
        e.text(rel, v.DEVICE_OBSERVER_SERIAL, device.serial),
    ]


def study_scope(study_uid: str) -> bytes:
    """Scope of Accumulation: Study, with the Study Instance UID property (TID 10001 / 10011)."""
    return e.code("HAS OBS CONTEXT", v.SCOPE_OF_ACCUMULATION, v.STUDY,
                  [e.uidref("HAS PROPERTIES", v.STUDY_INSTANCE_UID, study_uid)])


def irradiation_span(start: dt.datetime, end: dt.datetime) -> list[bytes]:
    """Start and End of X-Ray Irradiation (TID 10011 observer context rows)."""
    return [e.datetime("HAS OBS CONTEXT", v.START_OF_XRAY_IRRADIATION, fmt_dt(start)),
            e.datetime("HAS OBS CONTEXT", v.END_OF_XRAY_IRRADIATION, fmt_dt(end))]


def source_of_dose_information() -> bytes:
    """Source of Dose Information: Automated Data Collection."""
    return e.code("CONTAINS", v.SOURCE_OF_DOSE_INFORMATION, v.AUTOMATED_DATA_COLLECTION)
