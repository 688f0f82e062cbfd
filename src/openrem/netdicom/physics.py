"""Folders where the store SCP keeps objects aside, and the zipping of physics studies.

* physics: ``DATA_DIR/physics/<study date>/<patient>/<study uid>/<object>.dcm``; when a study folder
  has not changed for a while (the study is "stable") :func:`zip_physics` replaces it by
  ``<study uid>.zip`` beside it (command ``openrem zip_physics``);
* Toshiba CT: ``DATA_DIR/toshiba/<study uid>/<object>.dcm`` for the Toshiba CT extractor.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openrem.netdicom.filters import safe_name

log = logging.getLogger("openrem.netdicom.store")


def data_dir() -> Path:
    """``settings.DATA_DIR`` (imported lazily: this module is also used without Django settings)."""
    from django.conf import settings

    return Path(settings.DATA_DIR)


def physics_folder(root: Path, study_date: str, patient: str, study_uid: str) -> Path:
    """The folder of one physics study under ``root`` (``DATA_DIR/physics``)."""
    date = safe_name(study_date, default=dt.date.today().strftime("%Y%m%d"))
    return root / date / safe_name(patient) / safe_name(study_uid)


def toshiba_folder(root: Path, study_uid: str) -> Path:
    """The folder of one CT study kept for the Toshiba extractor under ``root`` (``DATA_DIR/toshiba``)."""
    return root / safe_name(study_uid)


@dataclass(frozen=True)
class ZipResult:
    """What :func:`zip_physics` did."""

    zipped: list[Path]
    waiting: int


def _newest_change(folder: Path) -> float:
    times = [p.stat().st_mtime for p in folder.iterdir() if p.is_file()]
    return max(times, default=folder.stat().st_mtime)


def zip_study(folder: Path) -> Path:
    """Zip the files of one study folder into ``<folder>.zip`` (atomically), then remove the folder."""
    target = folder.parent / f"{folder.name}.zip"
    temp = target.parent / f".{target.name}.part"
    with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in sorted(folder.iterdir()):
            if item.is_file() and not item.name.startswith("."):
                archive.write(item, arcname=item.name)
    with open(temp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, target)
    shutil.rmtree(folder)
    return target


def zip_physics(root: Path | None = None, stable_seconds: float = 600.0) -> ZipResult:
    """Zip every physics study folder unchanged for ``stable_seconds``; newer ones are left waiting."""
    root = root or data_dir() / "physics"
    zipped: list[Path] = []
    waiting = 0
    if not root.is_dir():
        return ZipResult(zipped, waiting)
    now = time.time()
    for study in sorted(p for p in root.glob("*/*/*") if p.is_dir()):
        if now - _newest_change(study) < stable_seconds:
            waiting += 1
            continue
        zipped.append(zip_study(study))
        log.info("physics study zipped: %s", zipped[-1])
    return ZipResult(zipped, waiting)
