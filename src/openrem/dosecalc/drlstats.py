"""Statistics for diagnostic reference levels (ICRP Publication 135; IPEM Report 88).

A DRL quantity is set at the 75th percentile of the distribution of room (system) medians. Percentiles
use linear interpolation between closest ranks (Hyndman and Fan type 7, numpy's default): for n sorted
values x[0..n-1], the p-th percentile is at position h = (n - 1) * p / 100, x[floor h] +
(h - floor h) * (x[floor h + 1] - x[floor h]). The confidence interval is a percentile bootstrap over
rooms: the room medians are resampled with replacement, reproducible with a seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_MIN_STUDIES_PER_ROOM = 10
DEFAULT_MIN_ROOMS = 1


@dataclass(frozen=True)
class LocalDrl:
    value: float | None
    n_rooms: int
    n_studies: int
    room_medians: dict[str, float]
    excluded_rooms: dict[str, int]
    ci_low: float | None = None
    ci_high: float | None = None


def percentile(values: Sequence[float], p: float) -> float:
    """p-th percentile (0-100) with linear interpolation (type 7)."""
    if not values:
        raise ValueError("no values")
    return float(np.percentile(np.asarray(values, dtype=float), p))


def median(values: Sequence[float]) -> float:
    return percentile(values, 50.0)


def bootstrap_ci(room_medians: Sequence[float], *, p: float = 75.0, n_resamples: int = 2000,
                 confidence: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap interval of the p-th percentile of room medians."""
    data = np.asarray(room_medians, dtype=float)
    if data.size == 0:
        raise ValueError("no values")
    rng = np.random.default_rng(seed)
    samples = rng.choice(data, size=(n_resamples, data.size), replace=True)
    stats = np.percentile(samples, p, axis=1)
    alpha = (1.0 - confidence) / 2.0
    low, high = np.quantile(stats, [alpha, 1.0 - alpha])
    return float(low), float(high)


def local_drl(doses_by_room: Mapping[str, Sequence[float]], *,
              min_studies_per_room: int = DEFAULT_MIN_STUDIES_PER_ROOM,
              min_rooms: int = DEFAULT_MIN_ROOMS, seed: int = 0,
              n_resamples: int = 2000) -> LocalDrl:
    """75th percentile of the medians of rooms with enough studies; value None when too few rooms."""
    medians: dict[str, float] = {}
    excluded: dict[str, int] = {}
    n_studies = 0
    for room, doses in doses_by_room.items():
        clean = [float(d) for d in doses if d is not None]
        if len(clean) < min_studies_per_room:
            excluded[room] = len(clean)
            continue
        medians[room] = median(clean)
        n_studies += len(clean)
    if len(medians) < max(min_rooms, 1):
        return LocalDrl(None, len(medians), n_studies, medians, excluded)
    values = list(medians.values())
    low, high = bootstrap_ci(values, seed=seed, n_resamples=n_resamples)
    return LocalDrl(percentile(values, 75.0), len(medians), n_studies, medians, excluded, low, high)
