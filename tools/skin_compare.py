"""Compare the skin dose maps with the older OpenREM's maps (shared golden data); write pictures.

Usage: ``python tools/skin_compare.py [--images DIR]``. For each sample it prints the peak skin dose
of both systems, the per-cell differences relative to the older system's peak (mean and 95th
percentile over the cells either map exposes) and, with ``--images``, writes a PNG of both maps side
by side (same colour scale, 4 px per cm). Needs OPENREM_SHARED (default ../shared).
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import zlib
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from openrem.skin import SkinMap, calculate_file  # noqa: E402

SHARED = Path(os.environ.get("OPENREM_SHARED", REPO.parent / "shared"))
SAMPLES = {
    "RF-RDSR-Siemens-Zee.dcm": ("RF-RDSR-Siemens-Zee.skin-map-expected.json", "ZEE_SKIN_MAP"),
    "RF-RDSR-Canon-Alphenix-rotational.dcm": ("RF-RDSR-Canon-Alphenix-rotational.skin-map-expected.json",
                                              "ALPHENIX_SKIN_MAP"),
}
STOPS = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], dtype=float)


def golden(name: str, shape: tuple[int, int]) -> np.ndarray:
    """The older system's map for sample ``name``, in our (rows, columns) layout."""
    file, key = SAMPLES[name]
    data = json.loads((SHARED / "golden" / "skin" / file).read_text())
    return np.array(data["arrays"][key], dtype=float).reshape(shape)


def compare(ours: np.ndarray, theirs: np.ndarray) -> dict[str, float]:
    """Peak ratio and per-cell differences relative to the older system's peak."""
    peak = float(theirs.max())
    exposed = (ours > 0) | (theirs > 0)
    diff = np.abs(ours - theirs)[exposed] / peak
    return {"peak_ours_mgy": float(ours.max()) * 1e3, "peak_older_mgy": peak * 1e3,
            "peak_ratio": float(ours.max()) / peak, "mean_diff": float(diff.mean()),
            "p95_diff": float(np.percentile(diff, 95)), "cells": int(exposed.sum()),
            "integral_ratio": float(ours.sum() / theirs.sum())}


def _colour(values: np.ndarray, top: float) -> np.ndarray:
    x = np.clip(values / top, 0, 1) * (len(STOPS) - 1)
    i = np.minimum(x.astype(int), len(STOPS) - 2)
    f = (x - i)[..., None]
    return (STOPS[i] * (1 - f) + STOPS[i + 1] * f).astype(np.uint8)


def write_png(path: Path, rgb: np.ndarray) -> None:
    """A minimal RGB PNG writer (PNG specification, ISO/IEC 15948)."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    path.write_bytes(png)


def side_by_side(ours: np.ndarray, theirs: np.ndarray, path: Path, scale: int = 4) -> None:
    """Ours on the left, the older system's on the right, one colour scale (0 to the larger peak)."""
    top = max(ours.max(), theirs.max())
    gap = np.full((ours.shape[0], 3), np.nan)
    both = np.hstack([ours, gap, theirs])
    rgb = _colour(np.nan_to_num(both), top)
    rgb[:, ours.shape[1]:ours.shape[1] + 3] = 255
    write_png(path, np.kron(rgb, np.ones((scale, scale, 1), dtype=np.uint8)))


def main() -> None:
    """Print the comparison figures; write the pictures with --images."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=Path, default=None)
    args = parser.parse_args()
    for name in SAMPLES:
        result = calculate_file(SHARED / "dicom" / name)
        assert isinstance(result, SkinMap), result
        theirs = golden(name, result.dose_gy.shape)
        figures = compare(result.dose_gy, theirs)
        print(name, " ".join(f"{k}={v:.4g}" for k, v in figures.items()))
        if args.images:
            args.images.mkdir(parents=True, exist_ok=True)
            side_by_side(result.dose_gy, theirs, args.images / (Path(name).stem + ".png"))


if __name__ == "__main__":
    main()
