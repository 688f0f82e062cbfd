"""The mathematical phantom: an elliptic-stadium torso with a cylindrical head, in 1 cm x 1 cm cells.

The torso is a cuboid with a semi-cylinder on each side (flat anterior and posterior faces), the
head a cylinder of 58 cm circumference and 24 cm length on top of it. The reference phantom (178.6 cm,
73.2 kg) has a 70 cm torso, a flat width of 14.4 cm and a side radius of 10 cm; for another
patient the torso length scales with height and the cross-section dimensions with
sqrt(mass/height), so that the cross-sectional area scales with mass per unit height (the
phantom of openSkin: J. Cole, "openSkin", 2014, and the OpenREM documentation; geometry after
the phantom of Johnson et al., "Skin dose mapping for fluoroscopically guided interventions",
Med. Phys. 38 (2011) 5490). Dimensions are rounded so that every perimeter is a whole number of
1 cm cells.

Phantom frame (cm): x to the patient's left, y anterior, z towards the head; the torso spans
z in [0, torso length], its axis at x = y = 0. The map unrolls the surface: row 0 is the top of
the head, the last row the bottom of the torso; column 0 is the right edge of the anterior face
and columns run over the anterior face, the patient's left side, the posterior face and the
right side (the layout of the older OpenREM's maps and of the Monte Carlo comparison).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

REF_HEIGHT_CM = 178.6
REF_MASS_KG = 73.2
REF_TORSO_CM = 70.0
REF_FLAT_CM = 14.4
REF_RADIUS_CM = 10.0
HEAD_LENGTH_CM = 24
HEAD_CIRCUMFERENCE_CM = 58


@dataclass(frozen=True, slots=True)
class Phantom:
    """Phantom dimensions (cm) and the centre, outward normal and map index of every skin cell."""

    height_cm: float
    mass_kg: float
    torso_length: int
    flat_width: int
    curved_width: int
    radius: float
    head_radius: float
    centres: FloatArray  # (cells, 3) in the phantom frame
    normals: FloatArray  # (cells, 3)
    rows: npt.NDArray[np.intp]
    cols: npt.NDArray[np.intp]

    @property
    def width(self) -> int:
        """Cells around the torso: the map's number of columns."""
        return 2 * (self.flat_width + self.curved_width)

    @property
    def map_rows(self) -> int:
        """Rows of the map: head and torso."""
        return HEAD_LENGTH_CM + self.torso_length

    @property
    def depth(self) -> float:
        """Anterior-posterior thickness of the torso."""
        return 2.0 * self.radius

    @property
    def total_width(self) -> float:
        """Left-right width of the torso."""
        return self.flat_width + 2.0 * self.radius


def _stadium(flat: int, curved: int, radius: float) -> tuple[FloatArray, FloatArray]:
    """Points and normals at the middle of each 1 cm step of the torso perimeter (column order above)."""
    s = np.arange(2 * (flat + curved), dtype=np.float64) + 0.5
    half = flat / 2.0
    bounds = np.cumsum([flat, curved, flat, curved])
    seg = np.searchsorted(bounds, s, side="right")
    x = np.empty_like(s)
    y = np.empty_like(s)
    nx = np.zeros_like(s)
    ny = np.zeros_like(s)
    a = seg == 0  # anterior face, from the patient's right to the left
    x[a], y[a], ny[a] = s[a] - half, radius, 1.0
    lft = seg == 1  # left side: semicircle centred at (+half, 0), anterior to posterior
    phi = (s[lft] - bounds[0]) / radius
    nx[lft], ny[lft] = np.sin(phi), np.cos(phi)
    x[lft], y[lft] = half + radius * nx[lft], radius * ny[lft]
    p = seg == 2  # posterior face, from the left to the right
    x[p], y[p], ny[p] = half - (s[p] - bounds[1]), -radius, -1.0
    r = seg == 3  # right side: semicircle centred at (-half, 0), posterior to anterior
    phi = (s[r] - bounds[2]) / radius
    nx[r], ny[r] = -np.sin(phi), -np.cos(phi)
    x[r], y[r] = -half + radius * nx[r], radius * ny[r]
    return np.stack([x, y, np.zeros_like(s)], axis=1), np.stack([nx, ny, np.zeros_like(s)], axis=1)


def build(height_cm: float, mass_kg: float) -> Phantom:
    """The phantom for a patient of ``height_cm`` and ``mass_kg``, with its cells."""
    scale = math.sqrt(mass_kg / REF_MASS_KG) / math.sqrt(height_cm / REF_HEIGHT_CM)
    torso = max(1, round(REF_TORSO_CM * height_cm / REF_HEIGHT_CM))
    flat = max(1, round(REF_FLAT_CM * scale))
    curved = max(1, round(math.pi * REF_RADIUS_CM * scale))
    radius = curved / math.pi
    head_radius = HEAD_CIRCUMFERENCE_CM / (2.0 * math.pi)
    ring, ring_n = _stadium(flat, curved, radius)
    width = ring.shape[0]
    # torso cells: rows HEAD_LENGTH .. HEAD_LENGTH+torso-1, z from the top of the torso downwards
    t_rows = np.repeat(np.arange(torso) + HEAD_LENGTH_CM, width)
    t_cols = np.tile(np.arange(width), torso)
    t_c = np.tile(ring, (torso, 1))
    t_c[:, 2] = torso - (t_rows - HEAD_LENGTH_CM) - 0.5
    t_n = np.tile(ring_n, (torso, 1))
    # head cells: the face's middle above the middle of the anterior torso face, same direction
    k_int = np.arange(HEAD_CIRCUMFERENCE_CM)
    phi = (k_int + 0.5) / head_radius - math.pi  # from the back of the head, over the right, face, left
    h_ring = np.stack([head_radius * np.sin(phi), head_radius * np.cos(phi), np.zeros_like(phi)], axis=1)
    h_norm = h_ring / head_radius
    h_col_ring = (flat // 2 - HEAD_CIRCUMFERENCE_CM // 2 + k_int) % width
    h_rows = np.repeat(np.arange(HEAD_LENGTH_CM), HEAD_CIRCUMFERENCE_CM)
    h_cols = np.tile(h_col_ring, HEAD_LENGTH_CM)
    h_c = np.tile(h_ring, (HEAD_LENGTH_CM, 1))
    h_c[:, 2] = torso + HEAD_LENGTH_CM - h_rows - 0.5
    h_n = np.tile(h_norm, (HEAD_LENGTH_CM, 1))
    return Phantom(
        height_cm=height_cm, mass_kg=mass_kg, torso_length=torso, flat_width=flat, curved_width=curved,
        radius=radius, head_radius=head_radius,
        centres=np.concatenate([t_c, h_c]), normals=np.concatenate([t_n, h_n]),
        rows=np.concatenate([t_rows, h_rows]).astype(np.intp),
        cols=np.concatenate([t_cols, h_cols]).astype(np.intp),
    )
