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
        """True when the (value, scheme) pair is one of this concept's codes. Coding Scheme
        Designators are CS (PS3.5: upper case); one sent in lower case or padded is still that scheme."""
        return ((value or "").strip(), (scheme or "").strip().upper()) in self.keys


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
HAS_INTENT = snomed("Has Intent", "363703001", "G-C0E8")
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
# AAPM Report 220 size in the CT Dose container (PS3.16 TID 10013, added by CP-1525)
WATER_EQUIVALENT_DIAMETER = dcm("113980", "Water Equivalent Diameter")
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
YES = snomed("Yes", "373066001", "R-0038D")
NO = snomed("No", "373067005", "R-00339")

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
# 122142 is Acquisition Device Type (TID 10001); 113876 is Device Role in Procedure (TID 1021).
ACQUISITION_DEVICE_TYPE = dcm("122142", "Acquisition Device Type")
DEVICE_ROLE_IN_PROCEDURE = dcm("113876", "Device Role in Procedure")
DOSE_AREA_PRODUCT = dcm("122130", "Dose Area Product")
DOSE_RP = dcm("113738", "Dose (RP)")
SINGLE_PLANE = dcm("113622", "Single Plane")
PLANE_A = dcm("113620", "Plane A")
PLANE_B = dcm("113621", "Plane B")
PLANE_UNDEFINED = dcm("113890", "All Planes")
FLUOROSCOPY_GUIDED = dcm("113957", "Fluoroscopy-Guided Projection Radiography System")
INTEGRATED_PROJECTION = dcm("113958", "Integrated Projection Radiography System")
CASSETTE_BASED = dcm("113959", "Cassette-based Projection Radiography System")

# TID 10002 / 10005 / 10003 (events), 10003a/b/c, CID 10008 distances
ACCUMULATED_AVERAGE_GLANDULAR_DOSE = dcm("111637", "Accumulated Average Glandular Dose")
LATERALITY = snomed("Laterality", "272741003", "G-C171")
ANATOMICAL_STRUCTURE = snomed("Anatomical structure", "91723000", "T-D0005")
IMAGE_VIEW = dcm("111031", "Image View")
IMAGE_VIEW_MODIFIER = dcm("111032", "Image View Modifier")
PROJECTION_EPONYMOUS_NAME = dcm("113946", "Projection Eponymous Name")
PATIENT_TABLE_RELATIONSHIP = dcm("113745", "Patient Table Relationship")
PATIENT_ORIENTATION = dcm("113743", "Patient Orientation")
PATIENT_ORIENTATION_MODIFIER = dcm("113744", "Patient Orientation Modifier")
HALF_VALUE_LAYER = dcm("111634", "Half Value Layer")
PATIENT_EQUIVALENT_THICKNESS = dcm("111638", "Patient Equivalent Thickness")
ENTRANCE_EXPOSURE_AT_RP = dcm("111636", "Entrance Exposure at RP")
AVERAGE_GLANDULAR_DOSE = dcm("111631", "Average Glandular Dose")
FLUORO_MODE = dcm("113732", "Fluoro Mode")
PULSE_RATE = dcm("113791", "Pulse Rate")
NUMBER_OF_PULSES = dcm("113768", "Number of Pulses")
DERIVATION = dcm("121401", "Derivation")
IRRADIATION_DURATION = dcm("113742", "Irradiation Duration")
AVERAGE_XRAY_TUBE_CURRENT = dcm("113767", "Average X-Ray Tube Current")
# 113735 is the Exposure Time code of earlier editions of TID 10003b, still sent by some systems.
PROJECTION_EXPOSURE_TIME = Concept("Exposure Time", ("113824", "DCM"), ("113735", "DCM"))
EXPOSURE = dcm("113736", "Exposure")
PULSE_WIDTH = dcm("113793", "Pulse Width")
FOCAL_SPOT_SIZE = dcm("113766", "Focal Spot Size")
ANODE_TARGET_MATERIAL = dcm("111632", "Anode Target Material")
COLLIMATED_FIELD_AREA = dcm("113790", "Collimated Field Area")
COLLIMATED_FIELD_HEIGHT = dcm("113788", "Collimated Field Height")
COLLIMATED_FIELD_WIDTH = dcm("113789", "Collimated Field Width")
XRAY_FILTERS = dcm("113771", "X-Ray Filters")
XRAY_FILTER_TYPE = dcm("113772", "X-Ray Filter Type")
XRAY_FILTER_MATERIAL = dcm("113757", "X-Ray Filter Material")
XRAY_FILTER_THICKNESS_MIN = dcm("113758", "X-Ray Filter Thickness Minimum")
XRAY_FILTER_THICKNESS_MAX = dcm("113773", "X-Ray Filter Thickness Maximum")
XRAY_GRID = dcm("111635", "X-Ray Grid")
CRDR_MECHANICAL_CONFIGURATION = dcm("113956", "CR/DR Mechanical Configuration")
POSITIONER_PRIMARY_ANGLE = dcm("112011", "Positioner Primary Angle")
POSITIONER_SECONDARY_ANGLE = dcm("112012", "Positioner Secondary Angle")
POSITIONER_PRIMARY_END_ANGLE = dcm("113739", "Positioner Primary End Angle")
POSITIONER_SECONDARY_END_ANGLE = dcm("113740", "Positioner Secondary End Angle")
COLUMN_ANGULATION = dcm("113770", "Column Angulation")
TABLE_HEAD_TILT_ANGLE = dcm("113754", "Table Head Tilt Angle")
TABLE_HORIZONTAL_ROTATION_ANGLE = dcm("113755", "Table Horizontal Rotation Angle")
TABLE_CRADLE_TILT_ANGLE = dcm("113756", "Table Cradle Tilt Angle")
COMPRESSION_THICKNESS = dcm("111633", "Compression Thickness")
COMPRESSION_FORCE = dcm("111647", "Compression Force")
COMPRESSION_PRESSURE = dcm("111648", "Compression Pressure")
COMPRESSION_CONTACT_AREA = dcm("111649", "Compression Contact Area")
DISTANCE_SOURCE_TO_ISOCENTER = dcm("113748", "Distance Source to Isocenter")
DISTANCE_SOURCE_TO_REFERENCE_POINT = dcm("113737", "Distance Source to Reference Point")
DISTANCE_SOURCE_TO_DETECTOR = dcm("113750", "Distance Source to Detector")
DISTANCE_SOURCE_TO_TABLE_PLANE = dcm("113792", "Distance Source to Table Plane")
TABLE_LONGITUDINAL_POSITION = dcm("113751", "Table Longitudinal Position")
TABLE_LATERAL_POSITION = dcm("113752", "Table Lateral Position")
TABLE_HEIGHT_POSITION = dcm("113753", "Table Height Position")
TABLE_LONGITUDINAL_END_POSITION = dcm("113759", "Table Longitudinal End Position")
TABLE_LATERAL_END_POSITION = dcm("113760", "Table Lateral End Position")
TABLE_HEIGHT_END_POSITION = dcm("113761", "Table Height End Position")
EXPOSURE_INDEX = dcm("113845", "Exposure Index")
TARGET_EXPOSURE_INDEX = dcm("113846", "Target Exposure Index")
DEVIATION_INDEX = dcm("113847", "Deviation Index")

# vendor private concepts (projection X-ray)
PHILIPS_NUMBER_OF_FRAMES = Concept("Philips Xper Number of Frames", ("003", "99PHI-IXR-XPER"))
PHILIPS_WEDGES_AND_SHUTTERS = Concept("Philips Xper Wedges and Shutters", ("005", "99PHI-IXR-XPER"))
PHILIPS_BOTTOM_SHUTTER = Concept("Philips Xper Bottom Shutter", ("006", "99PHI-IXR-XPER"))
PHILIPS_LEFT_SHUTTER = Concept("Philips Xper Left Shutter", ("007", "99PHI-IXR-XPER"))
PHILIPS_RIGHT_SHUTTER = Concept("Philips Xper Right Shutter", ("008", "99PHI-IXR-XPER"))
PHILIPS_TOP_SHUTTER = Concept("Philips Xper Top Shutter", ("009", "99PHI-IXR-XPER"))
PHILIPS_TABLE_HEIGHT_POSITION = Concept("Philips Xper Table Height Position", ("021", "99PHI-IXR-XPER"))
VARIC_TOTAL_EXPOSURES = Concept("Siemens Varic total number of exposures", ("C-200", "99SMS_RADSUM"))
VARIC_FLUORO_TIME = Concept("Siemens Varic cumulative fluoro time", ("C-202", "99SMS_RADSUM"))
VARIC_DOSE_AREA_PRODUCT = Concept("Siemens Varic cumulative dose area product", ("C-204", "99SMS_RADSUM"))

# ------------------------------------------------------------------ laterality (breast)
RIGHT_BREAST = snomed("Right breast", "73056007", "T-04020", "C0222600")
LEFT_BREAST = snomed("Left breast", "80248007", "T-04030", "C0222601")
BOTH_BREASTS = snomed("Both breasts", "63762007", "T-04080", "C0222605")

# ------------------------------------------------------------------ radiopharmaceutical (TID 10021)
RADIOPHARMACEUTICAL_ADMINISTRATION = dcm("113502", "Radiopharmaceutical Administration")
ASSOCIATED_PROCEDURE = snomed("Associated Procedure", "363589002", "G-C2D0")
RADIOPHARMACEUTICAL_AGENT = Concept(
    "Radiopharmaceutical agent", ("349358000", "SCT"), ("F-61FDB", "SRT"), ("F-61FDB", "SNM3"), ("C-B02C9", "SRT"),
)
RADIONUCLIDE = snomed("Radionuclide", "89457008", "C-10072")
RADIONUCLIDE_HALF_LIFE = snomed("Radionuclide Half Life", "304283002", "R-42806")
RADIOPHARMACEUTICAL_SPECIFIC_ACTIVITY = dcm("123007", "Radiopharmaceutical Specific Activity")
RADIOPHARMACEUTICAL_ADMINISTRATION_EVENT_UID = dcm("113503", "Radiopharmaceutical Administration Event UID")
RADIOPHARMACEUTICAL_START_DATETIME = dcm("123003", "Radiopharmaceutical Start DateTime")
RADIOPHARMACEUTICAL_STOP_DATETIME = dcm("123004", "Radiopharmaceutical Stop DateTime")
RADIOPHARMACEUTICAL_VOLUME = dcm("123005", "Radiopharmaceutical Volume")
ADMINISTERED_ACTIVITY = dcm("113507", "Administered activity")
ROUTE_OF_ADMINISTRATION = snomed("Route of administration", "410675002", "G-C340")
ORGAN_DOSE_INFORMATION = dcm("113517", "Organ Dose Information")
ORGAN_DOSE = dcm("113518", "Organ Dose")
FINDING_SITE = snomed("Finding Site", "363698007", "G-C0E3")
ORGAN_MASS = Concept("Mass", ("4147007", "SCT"), ("M-03000", "SRT"), ("118538004", "SCT"))
MEASUREMENT_METHOD = snomed("Measurement Method", "370129005", "G-C036")
REFERENCE_AUTHORITY = dcm("121406", "Reference Authority")
SIEMENS_EFFECTIVE_DOSE_INFORMATION = Concept("Siemens Effective Dose Information", ("220001", "99SHS"))
PATIENT_CHARACTERISTICS = dcm("121118", "Patient Characteristics")
SUBJECT_AGE = dcm("121033", "Subject Age")
SUBJECT_SEX = dcm("121032", "Subject Sex")
PATIENT_HEIGHT = Concept("Patient Height", ("8302-2", "LN"))
PATIENT_WEIGHT = Concept("Patient Weight", ("29463-7", "LN"))
BODY_SURFACE_AREA = Concept("Body Surface Area", ("8277-6", "LN"))
BODY_MASS_INDEX = snomed("Body Mass Index", "60621009", "F-01860")
GLUCOSE = Concept("Glucose", ("2339-0", "LN"), ("14749-6", "LN"), ("2345-7", "LN"))
FASTING_DURATION = dcm("113550", "Fasting Duration")
HYDRATION_VOLUME = dcm("113551", "Hydration Volume")
SERUM_CREATININE = Concept("Serum Creatinine", ("2160-0", "LN"), ("14682-9", "LN"))


# ------------------------------------------------------------------ coded values read by several features
# Laterality (CID 244)
LEFT = snomed("Left", "7771000", "G-A101")
RIGHT = snomed("Right", "24028007", "G-A100")
RIGHT_AND_LEFT = snomed("Right and left", "51440002", "G-A102")
# Irradiation event type (CID 10002)
FLUOROSCOPY = snomed("Fluoroscopy", "44491008", "P5-06000")
# CT target regions (CID 4030) used by the effective dose estimate: SNOMED CT codes (older and
# current ones where SNOMED replaced them) and the SNOMED-RT codes vendors still send.
REGION_HEAD = snomed("Head", "69536005", "T-D1100")
REGION_NECK = snomed("Neck", "45048000", "T-D1600")
REGION_HEAD_AND_NECK = snomed("Head and Neck", "774007", "T-D1000")
REGION_CHEST = Concept("Chest", ("51185008", "SCT"), ("43799004", "SCT"), ("816094009", "SCT"), ("T-D3000", "SRT"))
REGION_HEART = snomed("Heart", "80891009", "T-32000")
REGION_ABDOMEN = Concept("Abdomen", ("113345001", "SCT"), ("818981001", "SCT"), ("T-D4000", "SRT"))
REGION_PELVIS = Concept("Pelvis", ("12921003", "SCT"), ("816092008", "SCT"), ("T-D6000", "SRT"))
REGION_ABDOMEN_AND_PELVIS = Concept("Abdomen and Pelvis", ("416949008", "SCT"), ("818982008", "SCT"),
                                    ("R-FAB57", "SRT"))
REGION_CHEST_AND_ABDOMEN = snomed("Chest and Abdomen", "416550000", "R-FAB55")
REGION_CHEST_ABDOMEN_AND_PELVIS = snomed("Chest, Abdomen and Pelvis", "416775004", "R-FAB56")
# CTDIw phantom type (CID 4052)
IEC_HEAD_PHANTOM = dcm("113690", "IEC Head Dosimetry Phantom")
IEC_BODY_PHANTOM = dcm("113691", "IEC Body Dosimetry Phantom")


def _material(name: str, srt: str, sct: str) -> Concept:
    return Concept(name, (srt, "SRT"), (srt, "SNM3"), (sct, "SCT"))


# Filter and anode target materials (CID 10006 / 10016): the legacy SNOMED-RT codes most systems
# send and the SNOMED CT codes that replaced them
ALUMINIUM = _material("Aluminum or Aluminum compound", "C-120F9", "12503006")
COPPER = _material("Copper or Copper compound", "C-127F9", "66925006")
MOLYBDENUM = _material("Molybdenum or Molybdenum compound", "C-150F9", "71128006")
RHODIUM = _material("Rhodium or Rhodium compound", "C-167F9", "59801003")
SILVER = _material("Silver or Silver compound", "C-137F9", "41967008")
TUNGSTEN = _material("Tungsten or Tungsten compound", "C-164F9", "26194003")
