"""Decide what kind of dose object a DICOM dataset is (SOP class, document title, root template).

PS3.4 Annex B lists the storage SOP classes; PS3.16 gives the root templates: TID 10011 (CT),
TID 10001 (projection X-ray) and TID 10021 (radiopharmaceutical). A few vendors send no template
identifier, so the document title and the first content item are used as fallbacks. The content
decides, not the SOP class alone: a dose report's SR Document Content (PS3.3 C.17.3) stored under
another SR class (Comprehensive 3D, Extensible), a private class or none is read as what it is;
content that is no dose report stays "not a dose object".
"""

from __future__ import annotations

from enum import StrEnum

from pydicom.dataset import Dataset

from openrem.dicom import codes
from openrem.dicom.srtree import ContentItem


class Kind(StrEnum):
    """The parser that reads an object."""

    CT_RDSR = "ct_rdsr"
    PROJECTION_RDSR = "projection_rdsr"
    RRDSR = "rrdsr"
    VARIC_ESR = "varic_esr"
    DX_IMAGE = "dx_image"
    MG_IMAGE = "mg_image"
    NM_IMAGE = "nm_image"
    CT_PHILIPS = "ct_philips"
    CT_TOSHIBA = "ct_toshiba"  # CT events derived from a study's CT image headers (``openrem cttoshiba``)
    NOT_DOSE = "not_dose"


XRAY_DOSE_SR = "1.2.840.10008.5.1.4.1.1.88.67"
RADIOPHARMACEUTICAL_DOSE_SR = "1.2.840.10008.5.1.4.1.1.88.68"
ENHANCED_SR = "1.2.840.10008.5.1.4.1.1.88.22"
COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33"
COMPREHENSIVE_3D_SR = "1.2.840.10008.5.1.4.1.1.88.34"
EXTENSIBLE_SR = "1.2.840.10008.5.1.4.1.1.88.35"
CR_IMAGE = "1.2.840.10008.5.1.4.1.1.1"
DX_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1"
DX_PROCESSING = "1.2.840.10008.5.1.4.1.1.1.1.1"
INTRAORAL_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.3"
INTRAORAL_PROCESSING = "1.2.840.10008.5.1.4.1.1.1.3.1"
MG_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.2"
MG_PROCESSING = "1.2.840.10008.5.1.4.1.1.1.2.1"
SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"
CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
NM_IMAGE = "1.2.840.10008.5.1.4.1.1.20"
PET_IMAGE = "1.2.840.10008.5.1.4.1.1.128"
ENHANCED_PET_IMAGE = "1.2.840.10008.5.1.4.1.1.130"
LEGACY_ENHANCED_PET_IMAGE = "1.2.840.10008.5.1.4.1.1.128.1"

SR_CLASSES = frozenset({XRAY_DOSE_SR, RADIOPHARMACEUTICAL_DOSE_SR, ENHANCED_SR, COMPREHENSIVE_SR,
                        COMPREHENSIVE_3D_SR, EXTENSIBLE_SR})
DX_CLASSES = frozenset({CR_IMAGE, DX_PRESENTATION, DX_PROCESSING, INTRAORAL_PRESENTATION, INTRAORAL_PROCESSING})
"""CR (PS3.3 A.2), DX (A.26) and Digital Intra-Oral X-Ray (A.28) images: the same DX modules."""
MG_CLASSES = frozenset({MG_PRESENTATION, MG_PROCESSING})
NM_CLASSES = frozenset({NM_IMAGE, PET_IMAGE, ENHANCED_PET_IMAGE, LEGACY_ENHANCED_PET_IMAGE})


def classify(ds: Dataset, root: ContentItem | None) -> tuple[Kind, str]:
    """Return the kind of ``ds`` and a short human-readable reason."""
    sop_class = str(ds.get("SOPClassUID", "") or "")
    if sop_class in SR_CLASSES:
        return _classify_sr(sop_class, root)
    modality = str(ds.get("Modality", "") or "").upper()
    if sop_class in DX_CLASSES:
        if modality == "MG":  # a mammogram from a CR reader or under the DX class: its dose is the MG one
            return Kind.MG_IMAGE, "mammography image (CR/DX class)"
        return Kind.DX_IMAGE, f"{modality or 'DX'} image"
    if sop_class in MG_CLASSES:
        return Kind.MG_IMAGE, "mammography image"
    if sop_class in NM_CLASSES:
        return Kind.NM_IMAGE, "NM/PET image"
    if sop_class == SECONDARY_CAPTURE:
        return _classify_secondary_capture(ds, modality)
    if sop_class == CT_IMAGE:  # one image is not a dose object; `openrem cttoshiba` reads a study's images
        return Kind.NOT_DOSE, "CT image is not a dose object on its own (see `openrem cttoshiba`)"
    if root is not None and root.children:  # SR content under another SOP class (PS3.3 C.17.3)
        kind, why = _classify_sr(sop_class, root)
        if kind is not Kind.NOT_DOSE:
            return kind, f"{why}; SOP class {sop_class or 'missing'}"
    return Kind.NOT_DOSE, f"SOP class {sop_class or 'missing'} ({modality or 'no modality'}) is not a dose object"


def _classify_secondary_capture(ds: Dataset, modality: str) -> tuple[Kind, str]:
    manufacturer = str(ds.get("Manufacturer", "") or "").lower()
    series = str(ds.get("SeriesDescription", "") or "").strip().lower()
    image_type = [str(v).upper() for v in (ds.get("ImageType") or [])]
    if modality == "MG" and image_type[:1] == ["ORIGINAL"]:
        return Kind.MG_IMAGE, "mammography secondary capture (Hologic DBT projection)"
    if "philips" in manufacturer and series == "dose info":
        return Kind.CT_PHILIPS, "Philips CT dose info secondary capture"
    return Kind.NOT_DOSE, "secondary capture without dose information"


def _classify_sr(sop_class: str, root: ContentItem | None) -> tuple[Kind, str]:
    if root is None:
        return Kind.NOT_DOSE, "SR without content"
    template = (root.template_id or "").strip()
    if template == "10011":
        return Kind.CT_RDSR, "CT radiation dose report (TID 10011)"
    if template == "10001":
        return Kind.PROJECTION_RDSR, "projection X-ray radiation dose report (TID 10001)"
    if template == "10021":
        return Kind.RRDSR, "radiopharmaceutical radiation dose report (TID 10021)"
    if root.is_(codes.SIEMENS_RADIATION_SUMMARY):
        return Kind.VARIC_ESR, "Siemens Arcadis Varic radiation summary (enhanced SR)"
    if root.is_(codes.RADIOPHARMACEUTICAL_DOSE_REPORT):
        return Kind.RRDSR, "radiopharmaceutical radiation dose report (by title)"
    if root.is_(codes.XRAY_DOSE_REPORT):
        if root.find(codes.CT_ACCUMULATED_DOSE_DATA) is not None:
            return Kind.CT_RDSR, "CT radiation dose report (no template identifier)"
        proc = root.find(codes.PROCEDURE_REPORTED)
        if root.find(codes.ACCUMULATED_XRAY_DOSE_DATA) is not None or (
            proc is not None and proc.code is not None
            and any(c.matches(proc.code.value, proc.code.scheme) for c in (codes.PROJECTION_XRAY, codes.MAMMOGRAPHY))
        ):
            return Kind.PROJECTION_RDSR, "projection X-ray radiation dose report (no template identifier)"
        return Kind.NOT_DOSE, "X-ray radiation dose report with neither CT nor projection content"
    title = root.concept.meaning if root.concept else "no title"
    return Kind.NOT_DOSE, f"structured report '{title}' is not a radiation dose report"
