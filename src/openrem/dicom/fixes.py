"""The registry of vendor fixes: every named workaround, the equipment it applies to, what it does.

A parser that applies a workaround calls ``ctx.fixed(NAME)`` (see :class:`openrem.dicom.parse.ParseContext`);
the name must be registered here, so that the list of fixes and their equipment can be printed
(``openrem fixes``, reproduced in ``docs/importing.md``) and every fix that fired shows in the record
(``DoseReport.vendor_fixes``). Entries are keyed by name; :func:`fixes_for` finds them by
manufacturer and model (case-insensitive substring match; ``*`` matches any equipment).
"""

from __future__ import annotations

from dataclasses import dataclass

from openrem.dicom.classify import Kind


@dataclass(frozen=True, slots=True)
class VendorFix:
    """One named workaround for what a manufacturer's equipment sends."""

    name: str
    manufacturer: str
    models: tuple[str, ...]
    kinds: tuple[Kind, ...]
    description: str

    def applies_to(self, manufacturer: str, model: str) -> bool:
        """True when the fix is registered for this manufacturer and model."""
        names = self.manufacturer.lower().split("/")  # "Kodak/Carestream": either name
        if self.manufacturer != "*" and not any(n in manufacturer.lower() for n in names):
            return False
        return "*" in self.models or any(m.lower() in model.lower() for m in self.models)


_ANY = ("*",)
_IMAGES = (Kind.DX_IMAGE,)
_XRAY_IMAGES = (Kind.DX_IMAGE, Kind.MG_IMAGE)
_PROJ = (Kind.PROJECTION_RDSR,)
_DOSE_KINDS = tuple(k for k in Kind if k is not Kind.NOT_DOSE)

FIXES: dict[str, VendorFix] = {f.name: f for f in (
    VendorFix("requested_procedure_from_study_description", "*", ("CXDI", "DRX-Revolution"), _IMAGES,
              "Requested procedure taken from Study Description, the only place these systems send it."),
    VendorFix("aluminium_spelling", "Philips", ("DigitalDiagnost",), _IMAGES,
              "Filter Material 'ALUMINIUM' read as the defined term 'ALUMINUM'."),
    VendorFix("comma_separated_filter_thickness", "Kodak/Carestream", ("DR 7500",), _IMAGES,
              "Several filter thicknesses sent as '1.06,0.206' in one DS value are split."),
    VendorFix("filter_thickness_min_max_swapped", "Kodak/Carestream", ("DR 7500",), _IMAGES,
              "Filter Thickness Minimum and Maximum put in order when swapped."),
    VendorFix("siemens_multix_copper_filter_type", "Siemens", ("Multix",), _IMAGES,
              "Filter Type 'CU_0.1_MM' (0.2, 0.3) read as a copper filter of that thickness."),
    VendorFix("filter_type_lists_materials", "*", _ANY, _XRAY_IMAGES,
              "Filter Type written as thickness and element of each filter ('0.1Cu 1Al') read as those filters."),
    VendorFix("decimal_in_integer_string", "*", _ANY, _XRAY_IMAGES,
              "Exposure Time, X-Ray Tube Current or Exposure (IS) sent with decimals (DRGEM) kept exactly."),
    VendorFix("toshiba_protocol_in_image_comments", "Toshiba", _ANY, _IMAGES,
              "Acquisition protocol read from Image Comments when Software Versions is 'TM_TFD_1.0' and Protocol "
              "Name is empty."),
    VendorFix("grid_term_abbreviated", "Kodak/Carestream", ("DR 7500",), _IMAGES,
              "Grid term 'FO' read as the defined term 'FOCUSED' (unambiguous prefix)."),
    VendorFix("ge_glandularity_in_dose_comment", "GE", ("Senographe",), (Kind.MG_IMAGE,),
              "Breast glandularity read from Comments on Radiation Dose ('31 %')."),
    VendorFix("kodak_dr7500_sid_in_dm", "Kodak/Carestream", ("DR 7500",), _IMAGES,
              "Distance Source to Detector sent in dm converted to mm."),
    VendorFix("ct_modulation_type_from_comment", "Siemens", _ANY, (Kind.CT_RDSR,),
              "X-Ray Modulation Type read from the event Comment where it is the only place sent."),
    VendorFix("philips_xper_frames", "Philips", ("Allura",), _PROJ,
              "Private Number of Frames (99PHI-IXR-XPER) used as Number of Pulses when absent."),
    VendorFix("philips_allura_shutters", "Philips", ("Allura", "Azurion"), _PROJ,
              "Collimated field from the private Wedges and Shutters container."),
    VendorFix("philips_table_height", "Philips", ("Allura",), _PROJ,
              "Private Table Height Position (99PHI-IXR-XPER) used when the standard row is absent."),
    VendorFix("philips_azurion_device_type", "Philips", ("Azurion",), _PROJ,
              "Declared Integrated device type overridden: the Azurion is a fluoroscopy system (RF)."),
    VendorFix("siemens_artis_ii_field_size", "Siemens", ("Artis",), _PROJ,
              "Image intensifier diameter (iiDiameter, mm) read from the event's XML comment."),
    VendorFix("siemens_artis_patient_position", "Siemens", ("Artis",), _PROJ,
              "Patient position from the report's XML comment for events that give none."),
    VendorFix("has_intent_outside_procedure_reported", "Canon", ("Alphenix",), _PROJ,
              "Has Intent sent beside Procedure Reported instead of as its modifier."),
    VendorFix("dose_check_invalid_person_participant", "Spectrum Dynamics", ("Veriton",), (Kind.CT_RDSR,),
              "Invalid Person Participant row of TID 10015 tolerated (person name kept when readable)."),
    VendorFix("siemens_effective_dose_container", "Siemens", _ANY, (Kind.RRDSR,),
              "Effective Dose read from the private container (220001, 99SHS) of the administration."),
    VendorFix("siemens_varic_private_summary", "Siemens", ("Arcadis Varic",), (Kind.VARIC_ESR,),
              "Single-plane totals read from the private radiation summary rows (C-200, C-202, C-204)."),
    VendorFix("decimal_comma_in_decimal_string", "*", _ANY, _DOSE_KINDS,
              "A number written with a decimal comma ('1,23') read as 1.23; '1,234' (perhaps thousands) is not "
              "read."),
    VendorFix("utf8_text_undeclared_charset", "*", _ANY, _DOSE_KINDS,
              "Text with other than ASCII bytes, all valid UTF-8, in an object declaring no Specific Character "
              "Set read as UTF-8 (ISO_IR 192) instead of ISO 8859-1."),
    VendorFix("latin1_text_in_utf8_object", "*", _ANY, _DOSE_KINDS,
              "Text declared UTF-8 (ISO_IR 192) of which no value with other than ASCII bytes is valid UTF-8 read as "
              "ISO 8859-1 instead of with replacement characters."),
    VendorFix("activity_unit_by_magnitude", "*", _ANY, (Kind.NM_IMAGE,),
              "Radionuclide Total Dose read in Bq or MBq by its size (10^5 and more: Bq) when it cannot be in the "
              "unit of the object's isotope module (PET: Bq, NM: MBq), e.g. a PET image sent under the NM Image "
              "class."),
    VendorFix("utf8_text_in_latin1_object", "Siemens", _ANY, (Kind.CT_RDSR,),
              "Acquisition Protocol text holding UTF-8 bytes in an ISO_IR 100 object decoded as UTF-8."),
)}


def fixes_for(manufacturer: str, model: str) -> list[VendorFix]:
    """The registered fixes that apply to this equipment."""
    return [f for f in FIXES.values() if f.applies_to(manufacturer, model)]


def markdown_table() -> str:
    """The registry as the Markdown table of ``docs/importing.md`` (``openrem fixes --markdown``)."""
    lines = ["| fix | manufacturer | models | objects | what it does |", "|---|---|---|---|---|"]
    for f in sorted(FIXES.values(), key=lambda f: (f.manufacturer.lower(), f.name)):
        models = ", ".join(f.models) if f.models != _ANY else "all"
        kinds = ", ".join(k.value for k in f.kinds)
        lines.append(f"| `{f.name}` | {f.manufacturer} | {models} | {kinds} | {f.description} |")
    return "\n".join(lines) + "\n"
