"""Beam geometry and the dose to every skin cell from every irradiation, vectorised over both.

Room frame (cm): origin at the isocentre, X along the table's width, Y up, Z along the table towards
its head end. The positioner angles (PS3.3 C.8.7.5.1.2; TID 10003c) place the image receptor:
primary angle positive towards the patient's left (LAO), secondary positive towards the head
(cranial); the focal spot is opposite, at the source-isocentre distance. The reference point is
15 cm from the isocentre towards the source (IEC 60601-2-43, the "interventional reference
point"), where the report's air kerma K_ref applies; the square field there has the area
DAP / K_ref. A cell gets K_ref x (d_ref / d)^2 x backscatter x transmission when it lies in the
field, faces the source (the torso and head are convex) and, for rays crossing the table,
the table (and mattress) transmission (see :mod:`openrem.skin.factors`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from openrem.skin.factors import Factors
from openrem.skin.inputs import Events
from openrem.skin.phantom import HEAD_LENGTH_CM, Phantom

FloatArray = npt.NDArray[np.float64]

REFERENCE_POINT_CM = 15.0
TABLE_THICKNESS_CM = 0.5
TABLE_WIDTH_CM = 45.0
TABLE_LENGTH_CM = 150.0
MATTRESS_CM = 4.0
CHUNK = 96

#: Patient frame -> room frame: (x, y, z) signs for each patient position.
ORIENTATION_SIGNS = {
    "HFS": (1.0, 1.0, 1.0),
    "HFP": (-1.0, -1.0, 1.0),
    "FFS": (-1.0, 1.0, -1.0),
    "FFP": (1.0, -1.0, -1.0),
}


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the phantom lies for table positions of zero, and how table positions move it.

    ``head_end_cm``: room Z of the top of the phantom's head (head-first) when the table
    longitudinal position is zero; the table's lateral position moves the phantom along X, its
    longitudinal position along Z and its height position lowers the table top below the
    isocentre (table top at Y = -height).
    """

    head_end_cm: float = -5.0
    lateral_sign: float = 1.0
    longitudinal_sign: float = 1.0
    swap_lateral_longitudinal: bool = False


def beam_vectors(primary_deg: FloatArray, secondary_deg: FloatArray) -> tuple[FloatArray, ...]:
    """Unit vectors in the patient frame: beam direction (receptor side) and the two field axes."""
    a = np.radians(primary_deg)
    b = np.radians(secondary_deg)
    sa, ca, sb, cb = np.sin(a), np.cos(a), np.sin(b), np.cos(b)
    direction = np.stack([sa * cb, ca * cb, sb], axis=1)
    axis1 = np.stack([ca, -sa, np.zeros_like(a)], axis=1)
    axis2 = np.stack([-sa * sb, -ca * sb, cb], axis=1)
    return direction, axis1, axis2


def table_offsets(events: Events, placement: Placement) -> FloatArray:
    """Per event the room position of the phantom's reference (top of the head, back, midline)."""
    lat, lon = events.table_lat_cm, events.table_long_cm
    if placement.swap_lateral_longitudinal:
        lat, lon = lon, lat
    return np.stack([placement.lateral_sign * lat, -events.table_height_cm,
                     placement.head_end_cm + placement.longitudinal_sign * lon], axis=1)


def _phantom_room(phantom: Phantom, code: str) -> tuple[FloatArray, FloatArray]:
    """Cell centres relative to the reference (top of head, table top, midline) and normals, room frame."""
    signs = np.array(ORIENTATION_SIGNS.get(code, ORIENTATION_SIGNS["HFS"]))
    top = float(phantom.torso_length + HEAD_LENGTH_CM)
    local = phantom.centres - np.array([0.0, 0.0, top])
    room = local * signs
    # lift: the surface resting on the mattress sits on the table top
    room[:, 1] += MATTRESS_CM + phantom.radius
    if signs[2] < 0:  # feet first: the phantom keeps its place on the table, turned end for end
        room[:, 2] -= top
    return room, phantom.normals * signs


def _field(events: Events) -> tuple[FloatArray, FloatArray]:
    """Reference distance (cm) and side of the square field at the reference point (cm)."""
    d_ref = events.source_iso_cm - REFERENCE_POINT_CM
    area_cm2 = events.dap_gym2 / events.k_ref_gy * 1.0e4
    return d_ref, np.sqrt(area_cm2)


def _table_crossing(src: FloatArray, cell: FloatArray, offs: FloatArray, level: float) -> npt.NDArray[np.bool_]:
    """Whether each ray source->cell crosses the plane Y = table top + level inside the table's outline.

    All arguments are (pairs, 3) room coordinates: source, cell and the event's table reference.
    """
    top = offs[:, 1] + level
    sy, py = src[:, 1], cell[:, 1]
    below = (sy < top) & (py > top - 0.01)  # cells resting on the mattress count as above it
    lam = np.where(below, (top - sy) / np.where(below, py - sy, 1.0), 0.0)
    cx = src[:, 0] + lam * (cell[:, 0] - src[:, 0]) - offs[:, 0]
    cz = src[:, 2] + lam * (cell[:, 2] - src[:, 2]) - offs[:, 2]
    inside = (np.abs(cx) <= TABLE_WIDTH_CM / 2) & (cz <= 0.0) & (cz >= -TABLE_LENGTH_CM)
    return below & inside


def _in_field(cells: FloatArray, normals: FloatArray, w: FloatArray, vectors: tuple[FloatArray, ...],
              half_per_cm: FloatArray) -> npt.NDArray[np.float32]:
    """Fraction of each cell (events x cells) inside the square field and facing the source.

    Computed in single precision with in-place operations: this is the only full-grid step.
    """
    direction, ax1, ax2 = (v.astype(np.float32) for v in vectors)
    c32, n32 = cells.T.astype(np.float32), normals.T.astype(np.float32)
    shift = np.stack([np.sum(w * v, axis=1) for v in vectors], axis=1).astype(np.float32)
    t = direction @ c32
    t += shift[:, 0:1]
    u = ax1 @ c32
    u += shift[:, 1:2]
    half = t * half_per_cm[:, None].astype(np.float32)
    half += np.float32(0.5)
    np.abs(u, out=u)
    cover = half - u
    np.clip(cover, 0.0, 1.0, out=cover)
    u = ax2 @ c32
    u += shift[:, 2:3]
    np.abs(u, out=u)
    np.subtract(half, u, out=half)
    np.clip(half, 0.0, 1.0, out=half)
    cover *= half
    facing = w.astype(np.float32) @ n32
    facing += np.sum(normals * cells, axis=1).astype(np.float32)[None, :]
    cover[(facing >= 0) | (t <= 0)] = 0.0  # n . (source - cell) = -(n . w + n . cell) must be > 0
    result: npt.NDArray[np.float32] = cover
    return result


def event_doses(phantom: Phantom, events: Events, code: str, placement: Placement,
                factors: Factors) -> tuple[FloatArray, float]:
    """Dose (Gy) per cell summed over the events, and the DAP (Gy m2) that fell on the phantom.

    The field test runs on the full (events x cells) grid as matrix products; distances, table
    crossings and factors only for the (event, cell) pairs inside a field.
    """
    cells, normals = _phantom_room(phantom, code)
    signs = np.array(ORIENTATION_SIGNS.get(code, ORIENTATION_SIGNS["HFS"]))
    n_cells = cells.shape[0]
    total = np.zeros(n_cells)
    dap_on = 0.0
    d_ref_all, side_all = _field(events)
    offs_all = table_offsets(events, placement)
    for start in range(0, len(events), CHUNK):
        sl = slice(start, start + CHUNK)
        vectors = tuple(v * signs for v in beam_vectors(events.primary_deg[sl], events.secondary_deg[sl]))
        src = -events.source_iso_cm[sl, None] * vectors[0]
        offs = offs_all[sl]
        w = offs - src  # cell - source = cell (relative to the table reference) + w
        d_ref, side = d_ref_all[sl], side_all[sl]
        cover = _in_field(cells, normals, w, vectors, 0.5 * side / d_ref)
        ev, cell = np.nonzero(cover)
        frac_cover = cover[ev, cell]
        ray = cells[cell] + w[ev]
        dist2 = np.sum(ray**2, axis=1)
        room_cell = cells[cell] + offs[ev]
        table = _table_crossing(src[ev], room_cell, offs[ev], 0.0)
        mattress = _table_crossing(src[ev], room_cell, offs[ev], MATTRESS_CM)
        kvp, cu = events.kvp[sl], events.cu_mm[sl]
        trans = factors.transmission(kvp[ev], cu[ev], table, mattress)
        bsf = factors.backscatter(kvp, cu, side)[ev]
        inv_sq = d_ref[ev] ** 2 / dist2
        total += np.bincount(cell, weights=events.k_ref_gy[sl][ev] * inv_sq * bsf * trans * frac_cover,
                             minlength=n_cells)
        cos_in = np.clip(-np.sum(normals[cell] * ray, axis=1) / np.sqrt(dist2), 0.0, 1.0)
        area_ref = np.bincount(ev, weights=frac_cover * cos_in * inv_sq, minlength=len(d_ref))
        frac = np.minimum(1.0, area_ref / side**2)
        dap_on += float(np.sum(frac * events.dap_gym2[sl]))
    return total, dap_on
