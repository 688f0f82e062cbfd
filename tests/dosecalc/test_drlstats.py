"""75th percentile of room medians and the bootstrap interval, against hand calculations."""

from __future__ import annotations

import pytest

from openrem.dosecalc.drlstats import bootstrap_ci, local_drl, median, percentile


@pytest.mark.parametrize(("values", "expected"), [
    ([10, 20, 30, 40], 32.5),     # h = 3 x 0.75 = 2.25 -> 30 + 0.25 x 10
    ([40, 10, 30, 20], 32.5),     # order does not matter
    ([5, 5, 5, 7], 5.5),          # ties: 5 + 0.25 x 2
    ([5, 5, 5, 5], 5.0),
    ([12], 12.0),                 # one room
    ([10, 20], 17.5),             # h = 0.75
    ([1, 2, 3, 4, 5], 4.0),       # h = 3 exactly
])
def test_p75_hand_calculated(values: list[float], expected: float) -> None:
    assert percentile(values, 75) == pytest.approx(expected)


def test_median_even_and_ties() -> None:
    assert median([1, 2, 3, 4]) == 2.5
    assert median([3, 3, 1]) == 3.0


def test_local_drl_room_medians_and_minimum_sample() -> None:
    rooms = {
        "CT1": [100, 200, 300, 400, 500],   # median 300
        "CT2": [150, 250, 250, 350, 450],   # median 250 (tie in the middle)
        "CT3": [500, 600, 700, 800, 900],   # median 700
        "CT4": [1000, 2000],                # too few studies: excluded
    }
    result = local_drl(rooms, min_studies_per_room=5, seed=1)
    assert result.room_medians == {"CT1": 300, "CT2": 250, "CT3": 700}
    assert result.excluded_rooms == {"CT4": 2}
    assert result.n_rooms == 3 and result.n_studies == 15
    # medians sorted 250, 300, 700: h = 2 x 0.75 = 1.5 -> 300 + 0.5 x 400 = 500
    assert result.value == pytest.approx(500.0)
    assert result.ci_low is not None and result.ci_high is not None
    assert 250 <= result.ci_low <= result.value <= result.ci_high <= 700


def test_local_drl_too_few_rooms_gives_no_value() -> None:
    result = local_drl({"CT1": [1.0] * 3}, min_studies_per_room=10)
    assert result.value is None and result.n_rooms == 0 and result.excluded_rooms == {"CT1": 3}
    result = local_drl({"CT1": [1.0] * 10}, min_studies_per_room=10, min_rooms=2)
    assert result.value is None and result.n_rooms == 1


def test_bootstrap_reproducible_with_seed() -> None:
    medians = [250.0, 300.0, 700.0, 410.0, 380.0, 520.0]
    first = bootstrap_ci(medians, seed=42)
    assert bootstrap_ci(medians, seed=42) == first
    # few resamples: the interval ends depend on the draw, so another seed gives another interval
    assert bootstrap_ci(medians, seed=1, n_resamples=20) != bootstrap_ci(medians, seed=2, n_resamples=20)
    assert min(medians) <= first[0] <= percentile(medians, 75) <= first[1] <= max(medians)


def test_bootstrap_single_room_is_degenerate() -> None:
    assert bootstrap_ci([123.0], seed=0) == (123.0, 123.0)
