"""Backscatter and table transmission lookups from the data files in ``openrem/skin/data``.

``backscatter.csv``: backscatter factor x (mu_en/rho)water/air by tube voltage (kV), copper filter
(mm) and field side at the reference point (cm), in the ranges of Benmakhlouf et al., Phys. Med.
Biol. 56 (2011) 7179. ``transmission.csv``: transmission through the table and through table and
mattress by kV and Cu. How the values were made is recorded in ``tools/skin_tables.py``. Lookups
interpolate linearly and clamp at the table edges.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _read(name: str) -> tuple[list[str], FloatArray]:
    text = resources.files("openrem.skin").joinpath("data", name).read_text()
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    header = lines[0].split(",")
    return header, np.array([[float(v) for v in ln.split(",")] for ln in lines[1:]], dtype=np.float64)


def _weights(grid: FloatArray, values: FloatArray) -> tuple[npt.NDArray[np.intp], FloatArray]:
    """Lower grid index and fraction for linear interpolation, clamped to the grid."""
    v = np.clip(values, grid[0], grid[-1])
    i = np.clip(np.searchsorted(grid, v, side="right") - 1, 0, len(grid) - 2)
    return i, (v - grid[i]) / (grid[i + 1] - grid[i])


class Factors:
    """The two lookup tables, loaded once."""

    def __init__(self) -> None:
        header, bsf = _read("backscatter.csv")
        self.kv = np.unique(bsf[:, 0])
        self.cu = np.unique(bsf[:, 1])
        self.field = np.array([float(h.removeprefix("field_").removesuffix("cm")) for h in header[2:]])
        self.bsf = bsf[:, 2:].reshape(len(self.kv), len(self.cu), len(self.field))
        _, trans = _read("transmission.csv")
        self.table = trans[:, 2].reshape(len(self.kv), len(self.cu))
        self.table_mattress = trans[:, 3].reshape(len(self.kv), len(self.cu))

    def _bilinear(self, grid: FloatArray, kvp: FloatArray, cu: FloatArray) -> FloatArray:
        i, fi = _weights(self.kv, kvp)
        j, fj = _weights(self.cu, cu)
        return (grid[i, j] * (1 - fi) * (1 - fj) + grid[i + 1, j] * fi * (1 - fj)
                + grid[i, j + 1] * (1 - fi) * fj + grid[i + 1, j + 1] * fi * fj)

    def backscatter(self, kvp: FloatArray, cu: FloatArray, side_cm: FloatArray) -> FloatArray:
        """Backscatter x f-factor per event."""
        k, fk = _weights(self.field, side_cm)
        planes = np.stack([self._bilinear(self.bsf[:, :, f], kvp, cu) for f in range(len(self.field))], axis=1)
        low = np.take_along_axis(planes, k[:, None], axis=1)[:, 0]
        high = np.take_along_axis(planes, k[:, None] + 1, axis=1)[:, 0]
        result: FloatArray = low * (1 - fk) + high * fk
        return result

    def transmission(self, kvp: FloatArray, cu: FloatArray, table: BoolArray, mattress: BoolArray) -> FloatArray:
        """Per ray (paired arrays): 1, table transmission, or table and mattress transmission."""
        t = self._bilinear(self.table, kvp, cu)
        tm = self._bilinear(self.table_mattress, kvp, cu)
        return np.where(table & mattress, tm, np.where(table, t, 1.0))


@lru_cache(maxsize=1)
def factors() -> Factors:
    """The lookup tables (read once per process)."""
    return Factors()
