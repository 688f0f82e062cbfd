"""Coded values written by the image-header parsers (PS3.16 context groups).

Codes are the DICOM (DCM) and SNOMED-RT (SRT) codes the vendors send in their own reports (for
example CID 10006 filter materials as C-120F9 / SRT), so values from image headers and from
RDSRs match on (code value, coding scheme). Header strings are mapped by their defined terms
(PS3.3), never by meaning text.
"""

from __future__ import annotations

from openrem.dicom.records import Coded

# TID 10001 / 10003 values
PROJECTION_XRAY = Coded("113704", "DCM", "Projection X-Ray")
MAMMOGRAPHY = Coded("P5-40010", "SRT", "Mammography")
COMPUTED_TOMOGRAPHY = Coded("P5-08000", "SRT", "Computed Tomography X-Ray")
SCOPE_STUDY = Coded("113014", "DCM", "Study")
COPIED_FROM_IMAGE = Coded("113866", "DCM", "Copied From Image Attributes")
SINGLE_PLANE = Coded("113622", "DCM", "Single Plane")
STATIONARY_ACQUISITION = Coded("113611", "DCM", "Stationary Acquisition")

# CID 10007 X-Ray Filter Type, keyed by Filter Type (0018,1160) defined terms
FLAT_FILTER = Coded("113653", "DCM", "Flat filter")
FILTER_TYPES: dict[str, Coded] = {
    "STRIP": Coded("113650", "DCM", "Strip filter"),
    "WEDGE": Coded("113651", "DCM", "Wedge filter"),
    "BUTTERFLY": Coded("113652", "DCM", "Butterfly filter"),
    "FLAT": FLAT_FILTER,
    "NONE": Coded("111609", "DCM", "No filter"),
}

# CID 10006 X-Ray Filter Materials / CID 10016 Anode Target Material, keyed by the PS3.3 terms
_AL = Coded("C-120F9", "SRT", "Aluminum or Aluminum compound")
MATERIALS: dict[str, Coded] = {
    "ALUMINUM": _AL,
    "COPPER": Coded("C-127F9", "SRT", "Copper or Copper compound"),
    "MOLYBDENUM": Coded("C-150F9", "SRT", "Molybdenum or Molybdenum compound"),
    "RHODIUM": Coded("C-167F9", "SRT", "Rhodium or Rhodium compound"),
    "SILVER": Coded("C-137F9", "SRT", "Silver or Silver compound"),
    "TUNGSTEN": Coded("C-164F9", "SRT", "Tungsten or Tungsten compound"),
}
ALUMINIUM_SPELLING = "ALUMINIUM"

# CID 10017 X-Ray Grid, keyed by Grid (0018,1166) defined terms
GRIDS: dict[str, Coded] = {
    "FIXED": Coded("111641", "DCM", "Fixed grid"),
    "FOCUSED": Coded("111642", "DCM", "Focused grid"),
    "RECIPROCATING": Coded("111643", "DCM", "Reciprocating grid"),
    "PARALLEL": Coded("111644", "DCM", "Parallel grid"),
    "CROSSED": Coded("111645", "DCM", "Crossed grid"),
    "NONE": Coded("111646", "DCM", "No grid"),
}

# CID 4010 / CID 4014 views, keyed by View Position (0018,5101) terms
VIEWS: dict[str, Coded] = {
    "AP": Coded("R-10206", "SRT", "antero-posterior"),
    "PA": Coded("R-10214", "SRT", "postero-anterior"),
    "LL": Coded("R-10236", "SRT", "left lateral"),
    "RL": Coded("R-10232", "SRT", "right lateral"),
    "CC": Coded("R-10242", "SRT", "cranio-caudal"),
    "MLO": Coded("R-10226", "SRT", "medio-lateral oblique"),
    "ML": Coded("R-10224", "SRT", "medio-lateral"),
    "LM": Coded("R-10228", "SRT", "latero-medial"),
}

# CID 244 Laterality, keyed by (Image) Laterality (0020,0060 / 0020,0062) values
LATERALITY: dict[str, Coded] = {
    "R": Coded("G-A100", "SRT", "Right"),
    "L": Coded("G-A101", "SRT", "Left"),
    "B": Coded("G-A102", "SRT", "Right and left"),
}

# TID 10005 accumulated mammography laterality (breast)
BREASTS: dict[str, Coded] = {
    "R": Coded("T-04020", "SRT", "Right breast"),
    "L": Coded("T-04030", "SRT", "Left breast"),
    "B": Coded("T-04080", "SRT", "Both breasts"),
}

# CID 10013 CT Acquisition Type, keyed by Acquisition Type (0018,9302) defined terms
CT_ACQUISITION_TYPES: dict[str, Coded] = {
    "SEQUENCED": Coded("113804", "DCM", "Sequenced Acquisition"),
    "SPIRAL": Coded("P5-08001", "SRT", "Spiral Acquisition"),
    "CONSTANT_ANGLE": Coded("113805", "DCM", "Constant Angle Acquisition"),
    "STATIONARY": Coded("113806", "DCM", "Stationary Acquisition"),
    "FREE": Coded("113807", "DCM", "Free Acquisition"),
}

# CID 4052 Phantom Devices
HEAD_PHANTOM = Coded("113690", "DCM", "IEC Head Dosimetry Phantom")
BODY_PHANTOM = Coded("113691", "DCM", "IEC Body Dosimetry Phantom")
