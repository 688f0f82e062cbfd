"""PS3.16 TID 10015 CT Dose Check Details (alert and notification) of one CT irradiation event.

TID 10013 includes TID 10015 in its CT Dose container; a few systems put the two containers
directly in the CT Acquisition container, which is accepted too. Alert and notification details
of one event form one :class:`~openrem.dicom.records.CtDoseCheck` row.
"""

from __future__ import annotations

from typing import Any

from openrem.dicom import codes
from openrem.dicom.codes import Concept
from openrem.dicom.parse import ParseContext
from openrem.dicom.rdsr.ct_values import measure
from openrem.dicom.records import CtDoseCheck
from openrem.dicom.srtree import ContentItem


def read_dose_check(ctx: ParseContext, event: ContentItem, ct_dose: ContentItem | None) -> tuple[CtDoseCheck, ...]:
    """TID 10015 for one event: the alert (113900) and notification (113908) details, or ``()``.

    Parameters
    ----------
    ctx
        Parse context (warnings, vendor fixes).
    event
        The CT Acquisition container (TID 10013).
    ct_dose
        Its CT Dose container, where TID 10015 is included; may be None.
    """
    holders = [c for c in (ct_dose, event) if c is not None]
    alert = next((c.find(codes.DOSE_CHECK_ALERT_DETAILS) for c in holders
                  if c.find(codes.DOSE_CHECK_ALERT_DETAILS) is not None), None)
    notification = next((c.find(codes.DOSE_CHECK_NOTIFICATION_DETAILS) for c in holders
                         if c.find(codes.DOSE_CHECK_NOTIFICATION_DETAILS) is not None), None)
    if alert is None and notification is None:
        return ()
    values: dict[str, Any] = {}
    if alert is not None:
        values.update(
            dlp_alert_value_configured=_yes_no(ctx, alert, codes.DLP_ALERT_VALUE_CONFIGURED),
            ctdivol_alert_value_configured=_yes_no(ctx, alert, codes.CTDIVOL_ALERT_VALUE_CONFIGURED),
            dlp_alert_value=measure(ctx, alert, codes.DLP_ALERT_VALUE, "mGy.cm"),
            ctdivol_alert_value=measure(ctx, alert, codes.CTDIVOL_ALERT_VALUE, "mGy"),
            accumulated_dlp_forward_estimate=measure(ctx, alert, codes.ACCUMULATED_DLP_FORWARD_ESTIMATE, "mGy.cm"),
            accumulated_ctdivol_forward_estimate=measure(
                ctx, alert, codes.ACCUMULATED_CTDIVOL_FORWARD_ESTIMATE, "mGy"),
            alert_reason_for_proceeding=alert.txt(codes.REASON_FOR_PROCEEDING),
            alert_person_name=_person_name(ctx, alert),
        )
    if notification is not None:
        values.update(
            dlp_notification_value_configured=_yes_no(ctx, notification, codes.DLP_NOTIFICATION_VALUE_CONFIGURED),
            ctdivol_notification_value_configured=_yes_no(
                ctx, notification, codes.CTDIVOL_NOTIFICATION_VALUE_CONFIGURED),
            dlp_notification_value=measure(ctx, notification, codes.DLP_NOTIFICATION_VALUE, "mGy.cm"),
            ctdivol_notification_value=measure(ctx, notification, codes.CTDIVOL_NOTIFICATION_VALUE, "mGy"),
            dlp_forward_estimate=measure(ctx, notification, codes.DLP_FORWARD_ESTIMATE, "mGy.cm"),
            ctdivol_forward_estimate=measure(ctx, notification, codes.CTDIVOL_FORWARD_ESTIMATE, "mGy"),
            notification_reason_for_proceeding=notification.txt(codes.REASON_FOR_PROCEEDING),
            notification_person_name=_person_name(ctx, notification),
        )
    return (CtDoseCheck(**values),)


def _yes_no(ctx: ParseContext, parent: ContentItem, concept: Concept) -> bool | None:
    """A Yes/No coded value (PS3.16 CID 230) as a boolean; anything else is None with a warning."""
    item = parent.find(concept)
    if item is None or item.code is None:
        return None
    if codes.YES.matches(item.code.value, item.code.scheme):
        return True
    if codes.NO.matches(item.code.value, item.code.scheme):
        return False
    ctx.warn(f"{concept.name}: code {item.code.value} ({item.code.scheme}) is not Yes or No; ignored")
    return None


def _person_name(ctx: ParseContext, details: ContentItem) -> str | None:
    """The person who authorised proceeding (TID 1020 Person Participant, Person Name row)."""
    item = details.find(codes.PERSON_NAME)
    if item is None:
        return None
    if item.value_type != "PNAME" or item.text is None:
        return _fix_invalid_dose_check_person(ctx, item)
    return item.text


def _fix_invalid_dose_check_person(ctx: ParseContext, item: ContentItem) -> str | None:
    """Spectrum Dynamics (Veriton SPECT-CT) sends an invalid Person Participant in TID 10015.

    The Person Name row has the wrong value type or no value. The text is kept when there is
    one; otherwise the person is left out. Either way the dose check itself is kept.
    """
    ctx.fixed("dose_check_invalid_person_participant")
    name = item.as_text()
    ctx.warn(f"dose check Person Name has value type {item.value_type or 'none'}"
             + ("" if name else " and no value") + "; " + ("kept as text" if name else "left out"))
    return name
