"""Synthetic DICOM dose objects: RDSRs (PS3.16 TID 10011, 10001, 10021) and dose image headers.

Every builder takes an optional :class:`random.Random` (a fresh one when omitted, so UIDs are
new each call) and keyword overrides of its spec dataclass, and returns a pydicom ``Dataset``
ready for :func:`to_bytes` or :func:`write` (DICOM Part 10, explicit VR little endian)::

    from openrem.dicom import synth
    spec = synth.ct_spec(random.Random(1))      # frozen CtStudy: what goes in
    ds = synth.ct_dataset(spec)                 # X-Ray Radiation Dose SR
    synth.write(ds, "ct.dcm")
    synth.generate("CT", 100, seed=1, out_dir=Path("demo"))

The ``*_spec`` functions return the values put in, so tests can compare them with what the
parser reads back.
"""

from openrem.dicom.synth.common import DeviceSpec, PatientSpec, StudySpec, to_bytes, write
from openrem.dicom.synth.ct import CtDoseCheck, CtEvent, CtSource, CtStudy, ct_dataset, ct_rdsr, ct_spec
from openrem.dicom.synth.generate import BUILDERS, benchmark_ct, generate, generate_many
from openrem.dicom.synth.images import (
    NmImage,
    XrayImage,
    cr_image,
    dx_image,
    mg_image,
    nm_image,
    nm_image_dataset,
    nm_image_spec,
    pet_image,
    xray_image_dataset,
    xray_image_spec,
)
from openrem.dicom.synth.projection import ProjectionEvent, ProjectionStudy, XrayFilter, projection_dataset
from openrem.dicom.synth.projection_random import dx_rdsr, dx_spec, mg_rdsr, mg_spec, rf_rdsr, rf_spec
from openrem.dicom.synth.radiopharm import (
    OrganDoseSpec,
    RadiopharmStudy,
    Tracer,
    rrdsr,
    rrdsr_dataset,
    rrdsr_spec,
)

__all__ = [
    "BUILDERS", "CtDoseCheck", "CtEvent", "CtSource", "CtStudy", "DeviceSpec", "NmImage", "OrganDoseSpec",
    "PatientSpec", "ProjectionEvent", "ProjectionStudy", "RadiopharmStudy", "StudySpec", "Tracer", "XrayFilter",
    "XrayImage", "benchmark_ct", "cr_image", "ct_dataset", "ct_rdsr", "ct_spec", "dx_image", "dx_rdsr", "dx_spec",
    "generate", "generate_many", "mg_image", "mg_rdsr", "mg_spec", "nm_image", "nm_image_dataset", "nm_image_spec",
    "pet_image", "projection_dataset", "rf_rdsr", "rf_spec", "rrdsr", "rrdsr_dataset", "rrdsr_spec", "to_bytes",
    "write", "xray_image_dataset", "xray_image_spec",
]
