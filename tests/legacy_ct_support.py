"""A synthetic legacy CT study (CT images only, no dose report) and its hand-calculated dose values.

No Django here: the parser tests (``-p no:django``) and the command tests share it.

Series (imaged length L, DLP by hand):

1. localiser, one coronal 8x8 image, 62.5 mm pixels: L = 8 x 62.5 = 500 mm; CTDIvol 0.5 mGy;
   DLP = 0.5 x 50 cm = 25 mGy.cm (constant angle);
2. spiral, standard tags: 20 images at z = 0, -5, ..., -95 mm: L = 95 + 5 = 100 mm; CTDIvol per
   image 8 / 12 mGy -> mean 10 mGy; DLP = 10 x 10 = 100 mGy.cm; pitch 0.8; collimation 0.5 / 32 mm;
   tube current 150 / 250 mA -> mean 200, max 250;
3. sequenced, Toshiba private only: 4 images at z = 0, 8, 16, 24: L = 24 + 8 = 32 mm; CTDIvol 40 mGy
   (7005,xx63 as VR UN, packed double); DLP = 40 x 3.2 = 128 mGy.cm; single collimation 0.5 mm
   (xx08) x 16 rows (xx09) = 8 mm total;
4. spiral, Toshiba private pitch 1.5 (xx23) and DLP 250 mGy.cm (xx40): the scanner's DLP is used
   (the estimate would be 15 mGy x 2 cm = 30); 10 images z = 0..18 step 2: L = 18 + 2 = 20 mm.

Total DLP = 25 + 100 + 128 + 250 = 503 mGy.cm.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydicom.dataset import Dataset

from openrem.dicom.synth.common import write
from openrem.dicom.synth.ct_images import CtSeries, ToshibaPrivate, ct_image_study

START = dt.datetime(2024, 3, 5, 10, 0, 0)
ROWS_16 = "0000" + "1" * 16 + "0000"

SERIES = [
    CtSeries(1, "Scanogram", (0.0,), START, localizer=True, kvp=120, tube_current_ma=(50.0,), ctdivol_mgy=(0.5,)),
    CtSeries(2, "Chest spiral", tuple(-5.0 * i for i in range(20)), START + dt.timedelta(minutes=2),
             protocol="CHEST_ROUTINE", kvp=120, tube_current_ma=(150.0, 250.0), ctdivol_mgy=(8.0, 12.0),
             pitch=0.8, single_collimation_mm=0.5, total_collimation_mm=32.0),
    CtSeries(3, "Head sequence", (0.0, 8.0, 16.0, 24.0), START + dt.timedelta(minutes=4), kvp=135,
             ctdivol_mgy=None, toshiba=ToshibaPrivate(single_collimation_mm=0.5, detector_rows=ROWS_16,
                                                       ctdivol_mgy=40.0, ctdivol_as_un=True)),
    CtSeries(4, "Abdomen spiral", tuple(2.0 * i for i in range(10)), START + dt.timedelta(minutes=6), kvp=100,
             ctdivol_mgy=(15.0,), toshiba=ToshibaPrivate(pitch=1.5, dlp_mgycm=250.0)),
]
# (acquisition type code, CTDIvol mGy, imaged length mm, DLP mGy.cm) per series, in time order
EXPECTED = [
    ("113805", 0.5, 500.0, 25.0),
    ("P5-08001", 10.0, 100.0, 100.0),
    ("113804", 40.0, 32.0, 128.0),
    ("P5-08001", 15.0, 20.0, 250.0),
]
TOTAL_DLP = 503.0
IMAGE_COUNT = 1 + 20 + 4 + 10


def study_images(seed: int = 0, series: list[CtSeries] | None = None, **kwargs: object) -> list[Dataset]:
    """The images of the study (seeded: the same UIDs each call)."""
    return ct_image_study(series or SERIES, seed=seed, **kwargs)  # type: ignore[arg-type]


def write_study(folder: Path, seed: int = 0, series: list[CtSeries] | None = None, **kwargs: object) -> list[Path]:
    """Write the study's images into ``folder`` (one file per image, series subfolders)."""
    paths = []
    for ds in study_images(seed, series, **kwargs):
        paths.append(write(ds, folder / f"s{ds.SeriesNumber}" / f"{ds.SOPInstanceUID}.dcm"))
    return paths
