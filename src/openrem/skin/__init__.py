"""Skin dose maps for fluoroscopy: the peak skin dose and its distribution on a phantom.

A pure calculation (numpy, no Django) from a parsed projection RDSR
(:class:`openrem.dicom.records.DoseReport`, TID 10001/10003): :func:`calculate` returns a
:class:`SkinMap` or a :class:`NotCalculated` with the reason. The method follows openSkin
(J. Cole, https://bitbucket.org/openskin/openskin) as described in the OpenREM documentation: a
phantom scaled from the patient's height and mass, 1 cm2 skin cells, each irradiation event's beam
placed from the positioner angles, table positions and source-isocentre distance, the field from
DAP / K_ref, inverse square from the reference point, backscatter and table transmission.
"""

from openrem.skin.calc import VERSION, NotCalculated, SkinMap, calculate, calculate_file

__all__ = ["VERSION", "NotCalculated", "SkinMap", "calculate", "calculate_file"]
