"""Readable text for stored values that carry DICOM markup or internal names.

* Person names (DICOM PS3.5 §6.2, value representation PN): ``Family^Given^Middle^Prefix^Suffix``,
  up to three ``=``-separated groups (alphabetic, ideographic, phonetic). Shown as the alphabetic group
  with its components joined by spaces: ``Dr^Williams`` -> ``Dr Williams``.
* Radionuclides and radiopharmaceuticals (PS3.16 CID 18, CID 25, CID 4021) write mass numbers as
  ``^18^Fluorine`` or ``Fluorodeoxyglucose F^18^``; shown as ``18F`` and ``Fluorodeoxyglucose 18F``
  (the stored code is unchanged).
* Vendor corrections (the names :mod:`openrem.dicom` records in ``DoseReport.vendor_fixes``) and report
  kinds (``ct_rdsr``) are shown as sentences.
"""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ELEMENT_SYMBOLS = {
    "actinium": "Ac", "astatine": "At", "bismuth": "Bi", "carbon": "C", "cesium": "Cs", "caesium": "Cs",
    "chromium": "Cr", "cobalt": "Co", "copper": "Cu", "erbium": "Er", "fluorine": "F", "gallium": "Ga",
    "holmium": "Ho", "indium": "In", "iodine": "I", "iron": "Fe", "krypton": "Kr", "lead": "Pb",
    "lutetium": "Lu", "nitrogen": "N", "oxygen": "O", "phosphorus": "P", "radium": "Ra", "rhenium": "Re",
    "rubidium": "Rb", "samarium": "Sm", "scandium": "Sc", "selenium": "Se", "sodium": "Na",
    "strontium": "Sr", "technetium": "Tc", "terbium": "Tb", "thallium": "Tl", "xenon": "Xe",
    "yttrium": "Y", "zirconium": "Zr", "germanium": "Ge", "thorium": "Th",
}
_MASS_BEFORE = re.compile(r"\^(\d+m?)\^([A-Za-z]+)")  # ^18^Fluorine, ^99m^Technetium
_MASS_AFTER = re.compile(r"\b([A-Z][a-z]?)\^(\d+m?)\^")  # F^18^, Tc^99m^


def nuclide(text: str | None) -> str:
    """``^18^Fluorine`` -> ``18F``; ``Fluorodeoxyglucose F^18^`` -> ``Fluorodeoxyglucose 18F``."""
    if not text:
        return ""

    def before(match: re.Match[str]) -> str:
        symbol = ELEMENT_SYMBOLS.get(match.group(2).lower(), match.group(2))
        return f"{match.group(1)}{symbol}"

    out = _MASS_AFTER.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)
    out = _MASS_BEFORE.sub(before, out)
    return out.replace("^", "")


def person_name(value: str | None) -> str:
    """A DICOM PN value as readable text (the alphabetic group, components joined by spaces)."""
    if not value:
        return ""
    names = []
    for one in str(value).split("\\"):  # several names (multi-valued PN)
        group = one.split("=")[0]
        parts = [p.strip() for p in group.split("^") if p.strip()]
        if parts:
            names.append(" ".join(parts))
    return "; ".join(names)


VENDOR_FIXES: dict[str, Promise] = {
    "requested_procedure_from_study_description": _(
        "The requested procedure was missing and was taken from the study description."),
    "aluminium_spelling": _("The filter material spelling was normalised to aluminium."),
    "comma_separated_filter_thickness": _("Filter thicknesses written with a comma were read as numbers."),
    "filter_thickness_min_max_swapped": _("Minimum and maximum filter thickness were swapped by the device."),
    "siemens_multix_copper_filter_type": _("The Siemens Multix copper filter was read from its private field."),
    "grid_term_abbreviated": _("An abbreviated grid description was expanded."),
    "filter_type_lists_materials": _("The filters were read from the filter type, where the device lists them."),
    "decimal_in_integer_string": _("An exposure value sent with decimals in a whole-number field was kept as sent."),
    "toshiba_protocol_in_image_comments": _("The Toshiba acquisition protocol was read from the image comments."),
    "ge_glandularity_in_dose_comment": _("The GE breast glandularity was read from the dose comment."),
    "kodak_dr7500_sid_in_dm": _("The Kodak DR 7500 source to image distance was converted from dm to mm."),
    "ct_modulation_type_from_comment": _("The CT dose modulation type was read from the event comment."),
    "philips_xper_frames": _("The Philips Xper number of frames was corrected."),
    "philips_allura_shutters": _("The Philips Allura collimation (shutter) values were corrected."),
    "philips_table_height": _("The Philips table height was read from its private field."),
    "philips_azurion_device_type": _("The Philips Azurion device type was corrected."),
    "siemens_artis_ii_field_size": _("The Siemens Artis image intensifier field size was corrected."),
    "siemens_artis_patient_position": _("The Siemens Artis patient position was corrected."),
    "has_intent_outside_procedure_reported": _("The procedure intent was reported outside its container."),
    "dose_check_invalid_person_participant": _("An invalid person in a CT dose check was ignored."),
    "siemens_effective_dose_container": _("The Siemens effective dose was read from a non-standard container."),
    "siemens_varic_private_summary": _("The Siemens private dose summary was read."),
    "utf8_text_in_latin1_object": _("Text sent as UTF-8 in a report declaring Latin-1 was read as UTF-8."),
    "utf8_text_undeclared_charset": _("Text sent as UTF-8 in an object declaring no character set was read as "
                                      "UTF-8."),
    "latin1_text_in_utf8_object": _("Text declared UTF-8 but sent in Latin-1 was read as Latin-1."),
    "decimal_comma_in_decimal_string": _("A number written with a decimal comma was read with it."),
    "activity_unit_by_magnitude": _("The administered activity was read in the unit its size shows (Bq or MBq)."),
}


def vendor_fix(name: str) -> str:
    """A sentence saying what the correction ``name`` changed (generic for an unknown name)."""
    sentence = VENDOR_FIXES.get(name)
    return str(sentence) if sentence is not None else gettext("A correction for this device's report was applied.")


REPORT_KINDS: dict[str, Promise] = {
    "ct_rdsr": _("CT radiation dose structured report"),
    "projection_rdsr": _("X-ray radiation dose structured report"),
    "rrdsr": _("Radiopharmaceutical radiation dose structured report"),
    "varic_esr": _("Siemens enhanced dose report"),
    "dx_image": _("Radiography image header"),
    "mg_image": _("Mammography image header"),
    "nm_image": _("Nuclear medicine image header"),
    "ct_philips": _("Philips CT dose info"),
    "ct_toshiba": _("CT image headers (dose derived, legacy CT)"),
}


def report_kind(name: str | None) -> str:
    """A report kind of :mod:`openrem.dicom` (``ct_rdsr``) in words."""
    if not name:
        return ""
    sentence = REPORT_KINDS.get(name)
    return str(sentence) if sentence is not None else gettext("DICOM object")


def _codes(*pairs: tuple[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset(pairs)


# Coded values shown on the pages (PS3.16 CID 10002 acquisition plane, CID 10013 CT acquisition type,
# CID 10003 irradiation event type, CID 244/6023 laterality and breast), matched by (value, scheme):
# their translated label replaces the English code meaning.
CODE_LABELS: tuple[tuple[frozenset[tuple[str, str]], Promise], ...] = (
    (_codes(("113622", "DCM")), _("Single plane")),
    (_codes(("113620", "DCM")), _("Plane A")),
    (_codes(("113621", "DCM")), _("Plane B")),
    (_codes(("113611", "DCM")), _("Stationary acquisition")),
    (_codes(("113612", "DCM")), _("Rotational acquisition")),
    (_codes(("113613", "DCM")), _("Stepping acquisition")),
    (_codes(("44491008", "SCT"), ("P5-06000", "SRT")), _("Fluoroscopy")),
    (_codes(("116152004", "SCT"), ("P5-08001", "SRT")), _("Spiral acquisition")),
    (_codes(("113804", "DCM")), _("Sequenced acquisition")),
    (_codes(("113805", "DCM")), _("Constant angle acquisition")),
    (_codes(("113806", "DCM")), _("Stationary acquisition")),
    (_codes(("113807", "DCM")), _("Free acquisition")),
    (_codes(("7771000", "SCT"), ("G-A101", "SRT")), _("Left")),
    (_codes(("24028007", "SCT"), ("G-A100", "SRT")), _("Right")),
    (_codes(("51440002", "SCT"), ("G-A102", "SRT")), _("Right and left")),
    (_codes(("66459002", "SCT"), ("G-A103", "SRT")), _("Unilateral")),
    (_codes(("80248007", "SCT"), ("T-04030", "SRT")), _("Left breast")),
    (_codes(("73056007", "SCT"), ("T-04020", "SRT")), _("Right breast")),
    (_codes(("63762007", "SCT"), ("T-04080", "SRT")), _("Both breasts")),
)


def code_label(coded: object) -> str:
    """The translated label of a known coded value, else its code meaning ("" for none)."""
    if coded is None:
        return ""
    key = (str(getattr(coded, "value", "") or ""), str(getattr(coded, "scheme", "") or ""))
    for codes, label in CODE_LABELS:
        if key in codes:
            return str(label)
    return nuclide(str(getattr(coded, "meaning", "") or ""))
