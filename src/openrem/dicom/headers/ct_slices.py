"""One CT image header read into a :class:`CtSlice`: the per-image values the legacy CT importer uses.

Older CT scanners (Toshiba Aquilion CX/CXL, GE LightSpeed...) make no radiation dose structured
report. Their CT images (CT Image Storage, PS3.3 A.3) still carry the acquisition in the CT Image
module (C.8.2.1) and the CT Exposure / Acquisition macros: KVP (0018,0060), X-Ray Tube Current
(0018,1151) mA, Exposure (0018,1152) mAs, Exposure Time (0018,1150) ms, Revolution Time (0018,9305)
s, Single and Total Collimation Width (0018,9306/9307) mm, Spiral Pitch Factor (0018,9311), CTDIvol
(0018,9345) mGy, Exposure Modulation Type (0018,9323), Acquisition Type (0018,9302), Image Type
(0008,0008, LOCALIZER), Irradiation Event UID (0008,3010) and the table position of each image:
Image Position (Patient) (0020,0032) z, else Slice Location (0020,1041).

Toshiba's private block ``TOSHIBA_MEC_CT3`` in group 7005 adds, where the standard elements are
missing: Detector Slice Thickness (xx08) mm (single collimation), the detector rows used (xx09, a
string of ``0``/``1``: total collimation = rows from the first to the last ``1`` x single
collimation), Pitch Factor (xx23), DLP (xx40, FD) mGy.cm and CTDIvol (xx63, FD, or 8 bytes of a
little endian double when the element arrives with VR UN).
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from dataclasses import dataclass, field

from pydicom.dataset import Dataset

from openrem.dicom.classify import CT_IMAGE, Kind
from openrem.dicom.headers.elements import acquisition_datetime, number, numbers, private_tag, text
from openrem.dicom.parse import ParseContext
from openrem.dicom.values import combine, parse_da, parse_ds, parse_int, parse_tm

TOSHIBA_CREATOR = "TOSHIBA_MEC_CT3"
TOSHIBA_GROUP = 0x7005
SINGLE_COLLIMATION, DETECTOR_ROWS, PITCH, DLP, CTDIVOL = 0x08, 0x09, 0x23, 0x40, 0x63
_NUMERIC_TEXT = frozenset(b"0123456789+-.eE \x00")


@dataclass(frozen=True, slots=True)
class CtSlice:
    """What one CT image header says about its acquisition (units in the names)."""

    sop_instance_uid: str
    study_instance_uid: str
    series_instance_uid: str
    dataset: Dataset = field(compare=False, repr=False)
    series_number: int | None = None
    irradiation_event_uid: str | None = None
    localizer: bool = False
    protocol_name: str | None = None
    series_description: str | None = None
    acquisition_type: str | None = None
    acquired: dt.datetime | None = None
    z_mm: float | None = None
    image_z_extent_mm: float | None = None
    frame_of_reference_uid: str | None = None
    kvp: float | None = None
    tube_current_ma: float | None = None
    exposure_mas: float | None = None
    exposure_time_ms: float | None = None
    revolution_time_s: float | None = None
    ctdivol_mgy: float | None = None
    ctdivol_private: bool = False
    dlp_private_mgycm: float | None = None
    pitch_factor: float | None = None
    pitch_private: bool = False
    single_collimation_mm: float | None = None
    total_collimation_mm: float | None = None
    collimation_private: bool = False
    exposure_modulation_type: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def manufacturer(self) -> str:
        return text(self.dataset, "Manufacturer") or ""

    @property
    def model(self) -> str:
        return text(self.dataset, "ManufacturerModelName") or ""


def is_ct_image(ds: Dataset) -> bool:
    """A CT Image Storage object (PS3.4 B.5, SOP class 1.2.840.10008.5.1.4.1.1.2)."""
    return str(ds.get("SOPClassUID", "") or "").strip() == CT_IMAGE


def _unpack_double(raw: bytes) -> float | None:
    """An FD value sent as bytes (VR UN, PS3.5 6.2): 8 bytes little endian; 4 bytes a float."""
    if len(raw) >= 8:
        value = struct.unpack("<d", raw[:8])[0]
    elif len(raw) == 4:
        value = struct.unpack("<f", raw)[0]
    else:
        return None
    return value if math.isfinite(value) else None


def private_float(ds: Dataset, offset: int) -> float | None:
    """A numeric ``TOSHIBA_MEC_CT3`` element: FD, DS, or bytes (text digits, else a packed double)."""
    tag = private_tag(ds, TOSHIBA_GROUP, TOSHIBA_CREATOR, offset)
    if tag is None:
        return None
    value = ds[tag].value
    if isinstance(value, bytes):
        if value and set(value) <= _NUMERIC_TEXT:
            return parse_ds(value)
        return _unpack_double(value)
    return parse_ds(value)


def detector_rows(ds: Dataset) -> int | None:
    """Rows used from the ``TOSHIBA_MEC_CT3`` (7005,xx09) map: first to last ``1``, inclusive."""
    tag = private_tag(ds, TOSHIBA_GROUP, TOSHIBA_CREATOR, DETECTOR_ROWS)
    if tag is None:
        return None
    value = ds[tag].value
    if isinstance(value, bytes):
        flags = "".join("1" if b in (0x01, 0x31) else "0" for b in value)
    else:
        flags = "".join("1" if c == "1" else "0" for c in str(value))
    if "1" not in flags:
        return None
    return flags.rindex("1") - flags.index("1") + 1


def table_position_mm(ctx: ParseContext) -> float | None:
    """z of Image Position (Patient) (0020,0032, PS3.3 C.7.6.2), else Slice Location (0020,1041)."""
    position = numbers(ctx, "ImagePositionPatient")
    if len(position) == 3:
        return position[2]
    return number(ctx, "SliceLocation")


def image_z_extent_mm(ctx: ParseContext) -> float | None:
    """Extent along the patient z axis of the image plane (a localiser is a projection image).

    With Image Orientation (Patient) (0020,0037) row cosines R and column cosines F and Pixel Spacing
    (0028,0030) [between rows, between columns]: |F_z| x Rows x spacing_rows + |R_z| x Columns x
    spacing_columns (PS3.3 C.7.6.2.1.1).
    """
    cosines = numbers(ctx, "ImageOrientationPatient")
    spacing = numbers(ctx, "PixelSpacing")
    rows, columns = number(ctx, "Rows"), number(ctx, "Columns")
    if len(cosines) != 6 or len(spacing) != 2 or not rows or not columns:
        return None
    return abs(cosines[5]) * rows * spacing[0] + abs(cosines[2]) * columns * spacing[1]


def _acquired(ds: Dataset) -> dt.datetime | None:
    """Acquisition DateTime / Date + Time (C.7.6.1), else Series Date + Time (C.7.3.1)."""
    found = acquisition_datetime(ds)
    if found is None and "SeriesDate" in ds:
        found = combine(parse_da(ds.get("SeriesDate")), parse_tm(ds.get("SeriesTime")))
    return found


def _positive(value: float | None) -> float | None:
    return value if value is not None and value > 0 else None


def _collimation(ctx: ParseContext) -> tuple[float | None, float | None, bool]:
    """(single, total, private): the standard elements, else the Toshiba detector values."""
    single = _positive(number(ctx, "SingleCollimationWidth"))
    total = _positive(number(ctx, "TotalCollimationWidth"))
    private = False
    if single is None:
        single = _positive(private_float(ctx.ds, SINGLE_COLLIMATION))
        private = single is not None
    if total is None and single is not None:
        rows = detector_rows(ctx.ds)
        if rows:
            total, private = rows * single, True
    return single, total, private


def read_ct_slice(ds: Dataset) -> CtSlice:
    """Read the acquisition values of one CT image header (see the module docstring for the elements).

    Parameters
    ----------
    ds : Dataset
        A CT Image Storage dataset (pixel data is not needed).

    Returns
    -------
    CtSlice
        Values as sent, units converted only in name (ms, mA, mAs, mGy, mGy.cm, mm); invalid values
        are None and listed in ``warnings``.
    """
    ctx = ParseContext(ds=ds, root=None, kind=Kind.CT_TOSHIBA)
    ctdivol = _positive(number(ctx, "CTDIvol"))
    ctdivol_private = ctdivol is None and _positive(private_float(ds, CTDIVOL)) is not None
    if ctdivol_private:
        ctdivol = _positive(private_float(ds, CTDIVOL))
    pitch = _positive(number(ctx, "SpiralPitchFactor"))
    pitch_private = pitch is None and _positive(private_float(ds, PITCH)) is not None
    if pitch_private:
        pitch = _positive(private_float(ds, PITCH))
    single, total, collimation_private = _collimation(ctx)
    image_type = [str(v).strip().upper() for v in (ds.get("ImageType") or [])]
    localizer = "LOCALIZER" in image_type
    return CtSlice(
        sop_instance_uid=text(ds, "SOPInstanceUID") or "",
        study_instance_uid=text(ds, "StudyInstanceUID") or "",
        series_instance_uid=text(ds, "SeriesInstanceUID") or "",
        dataset=ds,
        series_number=parse_int(ds.get("SeriesNumber")),
        irradiation_event_uid=text(ds, "IrradiationEventUID"),
        localizer=localizer,
        protocol_name=text(ds, "ProtocolName"),
        series_description=text(ds, "SeriesDescription"),
        acquisition_type=(text(ds, "AcquisitionType") or "").upper() or None,
        acquired=_acquired(ds),
        z_mm=table_position_mm(ctx),
        image_z_extent_mm=image_z_extent_mm(ctx) if localizer else None,
        frame_of_reference_uid=text(ds, "FrameOfReferenceUID"),
        kvp=_positive(number(ctx, "KVP")),
        tube_current_ma=number(ctx, "XRayTubeCurrent"),
        exposure_mas=number(ctx, "Exposure"),
        exposure_time_ms=number(ctx, "ExposureTime"),
        revolution_time_s=_positive(number(ctx, "RevolutionTime")),
        ctdivol_mgy=ctdivol,
        ctdivol_private=ctdivol_private,
        dlp_private_mgycm=_positive(private_float(ds, DLP)),
        pitch_factor=pitch,
        pitch_private=pitch_private,
        single_collimation_mm=single,
        total_collimation_mm=total,
        collimation_private=collimation_private,
        exposure_modulation_type=text(ds, "ExposureModulationType"),
        warnings=tuple(ctx.warnings),
    )
