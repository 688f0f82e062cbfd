"""Coded concepts used by the dose templates (PS3.16), matched by code value and coding scheme.

A :class:`Concept` lists every (code value, coding scheme designator) pair that means the same
thing: the DCM code, the SNOMED CT code (SCT) and the legacy SNOMED-RT code (SRT) where a template
changed from one to the other, and the UMLS code some vendors send. Meanings are kept for reading
only; nothing is ever matched on them.
"""

from __future__ import annotations


class Concept:
    """A concept that may be coded in several schemes."""

    __slots__ = ("keys", "name")

    def __init__(self, name: str, *pairs: tuple[str, str]) -> None:
        self.name = name
        self.keys = frozenset(pairs)

    def __repr__(self) -> str:
        return f"Concept({self.name!r})"

    def matches(self, value: str | None, scheme: str | None) -> bool:
        """True when the (value, scheme) pair is one of this concept's codes."""
        return (value or "", scheme or "") in self.keys


def dcm(value: str, name: str) -> Concept:
    """A concept defined by DICOM (coding scheme DCM, PS3.16 Annex D)."""
    return Concept(name, (value, "DCM"))


def snomed(name: str, sct: str, srt: str | None = None, umls: str | None = None) -> Concept:
    """A SNOMED concept: the SCT code, its legacy SRT code and UMLS code where known."""
    pairs = [(sct, "SCT")]
    if srt:
        pairs += [(srt, "SRT"), (srt, "SNM3")]
    if umls:
        pairs.append((umls, "UMLS"))
    return Concept(name, *pairs)


# ------------------------------------------------------------------ document titles (CID 10000..)
XRAY_DOSE_REPORT = dcm("113701", "X-Ray Radiation Dose Report")
RADIOPHARMACEUTICAL_DOSE_REPORT = dcm("113500", "Radiopharmaceutical Radiation Dose Report")
SIEMENS_RADIATION_SUMMARY = Concept("Siemens radiation summary (Arcadis Varic)", ("C-10", "99SMS_RADSUM"))

# ------------------------------------------------------------------ common (TID 10001 / 10011)
PROCEDURE_REPORTED = dcm("121058", "Procedure reported")
HAS_INTENT = snomed("Has Intent", "363675004", "G-C0E8")
SCOPE_OF_ACCUMULATION = dcm("113705", "Scope of Accumulation")
SOURCE_OF_DOSE_INFORMATION = dcm("113854", "Source of Dose Information")
COMMENT = dcm("121106", "Comment")
DEVICE_OBSERVER_UID = dcm("121012", "Device Observer UID")
OBSERVER_TYPE = dcm("121005", "Observer Type")
START_OF_XRAY_IRRADIATION = dcm("113809", "Start of X-Ray Irradiation")
END_OF_XRAY_IRRADIATION = dcm("113810", "End of X-Ray Irradiation")
IRRADIATION_EVENT_UID = dcm("113769", "Irradiation Event UID")
IRRADIATION_EVENT_LABEL = dcm("113605", "Irradiation Event Label")
DATETIME_STARTED = dcm("111526", "DateTime Started")
ACQUISITION_PROTOCOL = dcm("125203", "Acquisition Protocol")
TARGET_REGION = dcm("123014", "Target Region")
TOTAL_NUMBER_OF_IRRADIATION_EVENTS = dcm("113812", "Total Number of Irradiation Events")

# procedure reported values
PROJECTION_XRAY = dcm("113704", "Projection X-Ray")
MAMMOGRAPHY = snomed("Mammography", "71651007", "P5-40010")
COMPUTED_TOMOGRAPHY = snomed("Computed Tomography X-Ray", "77477000", "P5-08000")

# ------------------------------------------------------------------ CT (TID 10011 .. 10015)
CT_ACCUMULATED_DOSE_DATA = dcm("113811", "CT Accumulated Dose Data")
CT_DOSE_LENGTH_PRODUCT_TOTAL = dcm("113813", "CT Dose Length Product Total")
CT_EFFECTIVE_DOSE_TOTAL = dcm("113814", "CT Effective Dose Total")
CT_ACQUISITION = dcm("113819", "CT Acquisition")
CT_ACQUISITION_TYPE = dcm("113820", "CT Acquisition Type")
PROCEDURE_CONTEXT = snomed("Procedure Context", "408730004", "G-C32C")
CT_ACQUISITION_PARAMETERS = dcm("113822", "CT Acquisition Parameters")
NUMBER_OF_XRAY_SOURCES = dcm("113823", "Number of X-Ray Sources")
EXPOSURE_TIME = dcm("113824", "Exposure Time")
SCANNING_LENGTH = dcm("113825", "Scanning Length")
NOMINAL_SINGLE_COLLIMATION_WIDTH = dcm("113826", "Nominal Single Collimation Width")
NOMINAL_TOTAL_COLLIMATION_WIDTH = dcm("113827", "Nominal Total Collimation Width")
PITCH_FACTOR = dcm("113828", "Pitch Factor")
CT_DOSE = dcm("113829", "CT Dose")
MEAN_CTDIVOL = dcm("113830", "Mean CTDIvol")
CT_XRAY_SOURCE_PARAMETERS = dcm("113831", "CT X-Ray Source Parameters")
IDENTIFICATION_OF_XRAY_SOURCE = dcm("113832", "Identification of the X-Ray Source")
MAXIMUM_XRAY_TUBE_CURRENT = dcm("113833", "Maximum X-Ray Tube Current")
EXPOSURE_TIME_PER_ROTATION = dcm("113834", "Exposure Time per Rotation")
CTDIW_PHANTOM_TYPE = dcm("113835", "CTDIw Phantom Type")
CTDIFREEAIR_CALCULATION_FACTOR = dcm("113836", "CTDIfreeair Calculation Factor")
MEAN_CTDIFREEAIR = dcm("113837", "Mean CTDIfreeair")
DLP = dcm("113838", "DLP")
EFFECTIVE_DOSE = dcm("113839", "Effective Dose")
EFFECTIVE_DOSE_CONVERSION_FACTOR = dcm("113840", "Effective Dose Conversion Factor")
XRAY_MODULATION_TYPE = dcm("113842", "X-Ray Modulation Type")
XRAY_FILTER_ALUMINUM_EQUIVALENT = dcm("113821", "X-Ray Filter Aluminum Equivalent")
KVP = dcm("113733", "KVP")
XRAY_TUBE_CURRENT = dcm("113734", "X-Ray Tube Current")
LENGTH_OF_RECONSTRUCTABLE_VOLUME = dcm("113893", "Length of Reconstructable Volume")
TOP_Z_OF_RECONSTRUCTABLE_VOLUME = dcm("113895", "Top Z Location of Reconstructable Volume")
BOTTOM_Z_OF_RECONSTRUCTABLE_VOLUME = dcm("113896", "Bottom Z Location of Reconstructable Volume")
TOP_Z_OF_SCANNING_LENGTH = dcm("113897", "Top Z Location of Scanning Length")
BOTTOM_Z_OF_SCANNING_LENGTH = dcm("113898", "Bottom Z Location of Scanning Length")
EXPOSED_RANGE = dcm("113899", "Exposed Range")
FRAME_OF_REFERENCE_UID = dcm("112227", "Frame of Reference UID")
DOSE_CHECK_ALERT_DETAILS = dcm("113900", "Dose Check Alert Details")
DLP_ALERT_VALUE_CONFIGURED = dcm("113901", "DLP Alert Value Configured")
CTDIVOL_ALERT_VALUE_CONFIGURED = dcm("113902", "CTDIvol Alert Value Configured")
DLP_ALERT_VALUE = dcm("113903", "DLP Alert Value")
CTDIVOL_ALERT_VALUE = dcm("113904", "CTDIvol Alert Value")
ACCUMULATED_DLP_FORWARD_ESTIMATE = dcm("113905", "Accumulated DLP Forward Estimate")
ACCUMULATED_CTDIVOL_FORWARD_ESTIMATE = dcm("113906", "Accumulated CTDIvol Forward Estimate")
REASON_FOR_PROCEEDING = dcm("113907", "Reason for Proceeding")
DOSE_CHECK_NOTIFICATION_DETAILS = dcm("113908", "Dose Check Notification Details")
DLP_NOTIFICATION_VALUE_CONFIGURED = dcm("113909", "DLP Notification Value Configured")
CTDIVOL_NOTIFICATION_VALUE_CONFIGURED = dcm("113910", "CTDIvol Notification Value Configured")
DLP_NOTIFICATION_VALUE = dcm("113911", "DLP Notification Value")
CTDIVOL_NOTIFICATION_VALUE = dcm("113912", "CTDIvol Notification Value")
DLP_FORWARD_ESTIMATE = dcm("113913", "DLP Forward Estimate")
CTDIVOL_FORWARD_ESTIMATE = dcm("113914", "CTDIvol Forward Estimate")
PERSON_NAME = dcm("113870", "Person Name")

# CT acquisition types (CID 10013), used for the study summary counts
SEQUENCED_ACQUISITION = dcm("113804", "Sequenced Acquisition")
CONSTANT_ANGLE_ACQUISITION = dcm("113805", "Constant Angle Acquisition")
STATIONARY_ACQUISITION = dcm("113806", "Stationary Acquisition")
FREE_ACQUISITION = dcm("113807", "Free Acquisition")
SPIRAL_ACQUISITION = Concept(
    "Spiral Acquisition", ("116152004", "SCT"), ("P5-08001", "SRT"), ("P5-08001", "SNM3"), ("C0860888", "UMLS"),
)
CONE_BEAM_ACQUISITION = Concept("Cone Beam Acquisition", ("702569007", "SCT"), ("R-FB8F1", "SRT"))

# ------------------------------------------------------------------ projection X-ray (TID 10001 ..)
ACCUMULATED_XRAY_DOSE_DATA = dcm("113702", "Accumulated X-Ray Dose Data")
ACQUISITION_PLANE = dcm("113764", "Acquisition Plane")
IRRADIATION_EVENT_XRAY_DATA = dcm("113706", "Irradiation Event X-Ray Data")
IRRADIATION_EVENT_TYPE = dcm("113721", "Irradiation Event Type")
DOSE_AREA_PRODUCT_TOTAL = dcm("113722", "Dose Area Product Total")
DOSE_RP_TOTAL = dcm("113725", "Dose (RP) Total")
FLUORO_DOSE_AREA_PRODUCT_TOTAL = dcm("113726", "Fluoro Dose Area Product Total")
ACQUISITION_DOSE_AREA_PRODUCT_TOTAL = dcm("113727", "Acquisition Dose Area Product Total")
FLUORO_DOSE_RP_TOTAL = dcm("113728", "Fluoro Dose (RP) Total")
ACQUISITION_DOSE_RP_TOTAL = dcm("113729", "Acquisition Dose (RP) Total")
TOTAL_FLUORO_TIME = dcm("113730", "Total Fluoro Time")
TOTAL_NUMBER_OF_RADIOGRAPHIC_FRAMES = dcm("113731", "Total Number of Radiographic Frames")
TOTAL_ACQUISITION_TIME = dcm("113855", "Total Acquisition Time")
REFERENCE_POINT_DEFINITION = dcm("113780", "Reference Point Definition")
ACQUISITION_DEVICE_TYPE = dcm("113876", "Acquisition Device Type")
DOSE_AREA_PRODUCT = dcm("122130", "Dose Area Product")
DOSE_RP = dcm("113738", "Dose (RP)")
SINGLE_PLANE = dcm("113622", "Single Plane")
PLANE_A = dcm("113620", "Plane A")
PLANE_B = dcm("113621", "Plane B")
PLANE_UNDEFINED = dcm("113890", "All Planes")
FLUOROSCOPY_GUIDED = dcm("113957", "Fluoroscopy-Guided Projection Radiography System")
INTEGRATED_PROJECTION = dcm("113958", "Integrated Projection Radiography System")
CASSETTE_BASED = dcm("113959", "Cassette-based Projection Radiography System")

# ------------------------------------------------------------------ laterality (breast)
RIGHT_BREAST = snomed("Right breast", "73056007", "T-04020", "C0222600")
LEFT_BREAST = snomed("Left breast", "80248007", "T-04030", "C0222601")
BOTH_BREASTS = snomed("Both breasts", "63762007", "T-04080", "C0222605")

# ------------------------------------------------------------------ radiopharmaceutical (TID 10021)
RADIOPHARMACEUTICAL_ADMINISTRATION = dcm("113502", "Radiopharmaceutical Administration")
