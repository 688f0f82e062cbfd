"""Mixed sets of synthetic dose objects for demos, load tests and benchmarks.

:func:`generate` writes ``count`` objects of one modality spread over the last two years, from a
few rooms per modality, with a pool of patients of which some come back for more studies.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

from pydicom.dataset import Dataset

from openrem.dicom.synth import ct, images, projection_random, radiopharm
from openrem.dicom.synth.common import DeviceSpec, PatientSpec, random_patient, to_bytes, write

Builder = Callable[..., Dataset]

BUILDERS: dict[str, tuple[Builder, Callable[[random.Random], DeviceSpec]]] = {
    "CT": (ct.ct_rdsr, ct.random_ct_device),
    "RF": (projection_random.rf_rdsr, lambda r: projection_random.random_device(r, "RF")),
    "DX": (projection_random.dx_rdsr, lambda r: projection_random.random_device(r, "DX")),
    "MG": (projection_random.mg_rdsr, lambda r: projection_random.random_device(r, "MG")),
    "NM": (radiopharm.rrdsr, lambda r: radiopharm.random_nm_device(r, True)),
    "DX_IMAGE": (images.dx_image, lambda r: projection_random.random_device(r, "DX")),
    "CR_IMAGE": (images.cr_image, lambda r: projection_random.random_device(r, "DX")),
    "MG_IMAGE": (images.mg_image, lambda r: projection_random.random_device(r, "MG")),
    "NM_IMAGE": (images.nm_image, lambda r: radiopharm.random_nm_device(r, False)),
    "PET_IMAGE": (images.pet_image, lambda r: radiopharm.random_nm_device(r, True)),
}
"""Modality keys accepted by :func:`generate`: the RDSR kinds and the image header kinds."""


def generate(modality: str, count: int, seed: int, out_dir: Path | str) -> list[Path]:
    """Write ``count`` plausible objects of ``modality`` (a key of :data:`BUILDERS`) to ``out_dir``.

    Three rooms per modality; a patient pool of about two thirds of ``count`` so some patients
    have several studies. The same seed gives the same files (UIDs included).
    """
    key = modality.upper()
    if key not in BUILDERS:
        raise ValueError(f"unknown modality {modality!r}; choose from {', '.join(BUILDERS)}")
    builder, device_maker = BUILDERS[key]
    rng = random.Random(seed)
    rooms = [device_maker(rng) for _ in range(3)]
    rooms = [DeviceSpec(r.manufacturer, r.model, f"{key[:2]}ROOM{i + 1}", r.institution, r.department, r.serial,
                        r.software, r.observer_uid) for i, r in enumerate(rooms)]
    female_only = key.startswith("MG")
    pool: list[PatientSpec] = [random_patient(rng, sex="F" if female_only else None)
                               for _ in range(max(1, (2 * count) // 3))]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        ds = builder(rng, patient=rng.choice(pool), device=rng.choice(rooms))
        paths.append(write(ds, out / f"{key.lower()}_{seed}_{i:05d}.dcm"))
    return paths


def benchmark_ct(count: int = 1000, seed: int = 0) -> tuple[float, int]:
    """Build and encode ``count`` CT RDSRs in memory; returns (seconds, total bytes)."""
    rng = random.Random(seed)
    start = time.perf_counter()
    total = sum(len(to_bytes(ct.ct_rdsr(rng))) for _ in range(count))
    return time.perf_counter() - start, total


def generate_many(kinds: dict[str, int], seed: int, out_dir: Path | str) -> dict[str, list[Path]]:
    """Call :func:`generate` for several modalities, each with its own derived seed."""
    return {k: generate(k, n, seed + i, Path(out_dir) / k.lower()) for i, (k, n) in enumerate(kinds.items())}


