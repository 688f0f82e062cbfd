"""CT parser behaviour on hand-built SR trees (PS3.16 TID 10011-10015): units and odd input.

These cover situations no sample file shows: other units than the template's, missing units,
non-numeric values, an invalid dose check Person Participant (Spectrum Dynamics Veriton) and
Toshiba's private Dose Reduce Parameters container with "/"-separated values.
"""

from __future__ import annotations

import pytest
from pydicom.dataset import Dataset

from openrem.dicom import codes
from openrem.dicom.classify import Kind
from openrem.dicom.codes import Concept
from openrem.dicom.parse import ParseContext
from openrem.dicom.rdsr import ct
from openrem.dicom.rdsr.ct_values import measure
from openrem.dicom.records import CtEvent, DoseReport
from openrem.dicom.srtree import Code, ContentItem


def _name(concept: Concept) -> Code:
    value, scheme = sorted(concept.keys)[0]
    return Code(value, scheme, concept.name)


def num(concept: Concept, value: str, unit: str | None) -> ContentItem:
    return ContentItem("CONTAINS", "NUM", _name(concept), number=value,
                       unit=Code(unit, "UCUM", unit) if unit is not None else None)


def text(concept: Concept, value: str | None, vt: str = "TEXT") -> ContentItem:
    return ContentItem("CONTAINS", vt, _name(concept), text=value)


def code(concept: Concept, value: Code | None) -> ContentItem:
    return ContentItem("CONTAINS", "CODE", _name(concept), code=value)


def container(concept: Concept, *children: ContentItem) -> ContentItem:
    return ContentItem("CONTAINS", "CONTAINER", _name(concept), children=children)


YES = Code("373066001", "SCT", "Yes")
NO = Code("R-00339", "SRT", "No")


def _parse(*events: ContentItem) -> DoseReport:
    ds = Dataset()
    ds.StudyInstanceUID = "1.2.3"
    ds.SOPInstanceUID = "1.2.3.4"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.67"
    ds.StudyDate, ds.StudyTime = "20240301", "101500"
    root = ContentItem("", "CONTAINER", Code("113701", "DCM", "X-Ray Radiation Dose Report"), template_id="10011",
                       children=(ContentItem("HAS CONCEPT MOD", "CODE", _name(codes.PROCEDURE_REPORTED),
                                             code=Code("77477000", "SCT", "Computed Tomography X-Ray")),
                                 container(codes.CT_ACCUMULATED_DOSE_DATA,
                                           num(codes.TOTAL_NUMBER_OF_IRRADIATION_EVENTS, "1", "{events}")),
                                 *events))
    return ct.parse(ParseContext(ds=ds, root=root, kind=Kind.CT_RDSR))


def _event(*children: ContentItem) -> ContentItem:
    return container(codes.CT_ACQUISITION, text(codes.IRRADIATION_EVENT_UID, "1.2.3.5", "UIDREF"), *children)


def _single(report: DoseReport) -> CtEvent:
    (event,) = report.ct_radiation_dose[0].events
    return event


def test_units_are_converted() -> None:
    report = _parse(_event(
        container(codes.CT_ACQUISITION_PARAMETERS,
                  num(codes.EXPOSURE_TIME, "1500", "ms"),
                  num(codes.SCANNING_LENGTH, "25", "cm")),
        container(codes.CT_DOSE,
                  num(codes.MEAN_CTDIVOL, "0.012", "Gy"),
                  num(codes.DLP, "3.5", "Gy.cm"),
                  num(codes.EFFECTIVE_DOSE, "0.002", "Sv")),
    ))
    event = _single(report)
    assert event.exposure_time == pytest.approx(1.5)
    assert event.scanning_length is not None and event.scanning_length.scanning_length == pytest.approx(250.0)
    assert event.mean_ctdivol == pytest.approx(12.0)
    assert event.dlp == pytest.approx(3500.0)
    assert event.effective_dose == pytest.approx(2.0)
    assert report.warnings == ()


def test_unexpected_unit_drops_and_missing_unit_keeps_value_with_warnings() -> None:
    """The one rule of openrem.dicom.quantity: never a number stored in a unit other than the column's."""
    report = _parse(_event(container(codes.CT_DOSE,
                                     num(codes.MEAN_CTDIVOL, "12", "mGy/s"),
                                     num(codes.DLP, "300", None))))
    event = _single(report)
    assert event.mean_ctdivol is None
    assert event.dlp == 300.0
    assert any("Mean CTDIvol" in w and "mGy/s" in w and "12" in w and "dropped" in w for w in report.warnings)
    assert any("DLP" in w and "no unit" in w for w in report.warnings)


def test_non_numeric_value_is_dropped_with_warning() -> None:
    ctx = ParseContext(ds=Dataset(), root=None, kind=Kind.CT_RDSR)
    parent = container(codes.CT_DOSE, num(codes.MEAN_CTDIVOL, "n/a", "mGy"))
    assert measure(ctx, parent, codes.MEAN_CTDIVOL, "mGy") is None
    assert ctx.warnings and "not a number" in ctx.warnings[0]


def test_missing_event_uid_keeps_event() -> None:
    report = _parse(container(codes.CT_ACQUISITION, num(codes.DLP, "1", "mGy.cm")))
    assert _single(report).irradiation_event_uid == ""
    assert any("Irradiation Event UID" in w for w in report.warnings)


def test_invalid_dose_check_person_participant_is_tolerated() -> None:
    # Spectrum Dynamics Veriton: the Person Name row of TID 10015 is not a valid PNAME item.
    alert = container(codes.DOSE_CHECK_ALERT_DETAILS,
                      code(codes.DLP_ALERT_VALUE_CONFIGURED, YES),
                      code(codes.CTDIVOL_ALERT_VALUE_CONFIGURED, NO),
                      num(codes.DLP_ALERT_VALUE, "1000", "mGy.cm"),
                      text(codes.PERSON_NAME, "Dr Who", vt="TEXT"))
    notification = container(codes.DOSE_CHECK_NOTIFICATION_DETAILS,
                             code(codes.DLP_NOTIFICATION_VALUE_CONFIGURED, NO),
                             ContentItem("CONTAINS", "PNAME", _name(codes.PERSON_NAME)))
    report = _parse(_event(container(codes.CT_DOSE, num(codes.MEAN_CTDIVOL, "5", "mGy"), alert, notification)))
    (check,) = _single(report).dose_check
    assert "dose_check_invalid_person_participant" in report.vendor_fixes
    assert check.dlp_alert_value_configured is True
    assert check.ctdivol_alert_value_configured is False
    assert check.dlp_alert_value == 1000.0
    assert check.alert_person_name == "Dr Who"
    assert check.notification_person_name is None
    assert check.dlp_notification_value_configured is False


def test_valid_person_participant_needs_no_fix() -> None:
    alert = container(codes.DOSE_CHECK_ALERT_DETAILS, text(codes.PERSON_NAME, "Smith^Jo", vt="PNAME"))
    report = _parse(_event(container(codes.CT_DOSE, alert)))
    assert _single(report).dose_check[0].alert_person_name == "Smith^Jo"
    assert report.vendor_fixes == ()


def test_toshiba_dose_reduce_parameters_do_not_disturb_parsing() -> None:
    # Toshiba's private container (99TOSHIBA-TMSC) carries "/"-separated DS values. Nothing in it is
    # stored, and the tree keeps raw strings, so it needs no repair: the standard rows are read as usual.
    private = ContentItem("CONTAINS", "CONTAINER", Code("99TOST000A-0010", "99TOSHIBA-TMSC", "Dose Reduce Parameters"),
                          children=(ContentItem("CONTAINS", "NUM",
                                                Code("99TOST000A-0011", "99TOSHIBA-TMSC", "Standard deviation"),
                                                number="12.50/10.00", unit=Code("1", "UCUM", "no units")),))
    report = _parse(_event(private, container(codes.CT_DOSE, num(codes.MEAN_CTDIVOL, "5.3", "mGy"))))
    assert _single(report).mean_ctdivol == 5.3
    assert report.warnings == () and report.vendor_fixes == ()


def test_modulation_type_from_comment_and_yes_no_oddities() -> None:
    comment = text(codes.COMMENT, "Internal technical scan parameters: Body Size = Adult, X-ray Modulation Type = XYZ_DOSE")
    odd = container(codes.DOSE_CHECK_ALERT_DETAILS, code(codes.DLP_ALERT_VALUE_CONFIGURED, Code("X", "99", "Maybe")))
    report = _parse(_event(comment, container(codes.CT_DOSE, odd)))
    event = _single(report)
    assert event.xray_modulation_type == "XYZ_DOSE"
    assert report.vendor_fixes == ("ct_modulation_type_from_comment",)
    assert event.dose_check[0].dlp_alert_value_configured is None
    assert any("not Yes or No" in w for w in report.warnings)
