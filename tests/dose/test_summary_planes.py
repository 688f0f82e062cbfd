"""Per-plane totals of a projection report follow the Acquisition Plane codes (CID 10003), not the
order of the Accumulated X-Ray Dose containers (TID 10002)."""

from __future__ import annotations

import pytest

from openrem.dicom import records as r
from openrem.dose.summary import projection_summary

PLANE_A = r.Coded("113620", "DCM", "Plane A")
PLANE_B = r.Coded("113621", "DCM", "Plane B")
SINGLE = r.Coded("113622", "DCM", "Single Plane")
ALL = r.Coded("113890", "DCM", "All Planes")


def _acc(plane: r.Coded | None, dap: float, rp: float) -> r.AccumulatedXrayDose:
    return r.AccumulatedXrayDose(acquisition_plane=plane,
                                 accum_integrated=r.AccumIntegrated(dose_area_product_total=dap, dose_rp_total=rp))


def _summary(*accumulated: r.AccumulatedXrayDose) -> dict[str, object]:
    return projection_summary((r.ProjectionXRayDose(accumulated=accumulated),))


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_plane_b_sent_first(order: tuple[int, int]) -> None:
    containers = (_acc(PLANE_A, 1.0e-3, 0.5), _acc(PLANE_B, 2.0e-4, 0.1))
    out = _summary(*(containers[i] for i in order))
    assert (out["total_dap_a"], out["total_rp_dose_a"]) == (1.0e-3, 0.5)
    assert (out["total_dap_b"], out["total_rp_dose_b"]) == (2.0e-4, 0.1)
    assert out["total_dap"] == pytest.approx(1.2e-3) and out["number_of_planes"] == 2


def test_an_all_planes_total_is_not_a_plane() -> None:
    out = _summary(_acc(ALL, 1.2e-3, 0.6), _acc(PLANE_A, 1.0e-3, 0.5), _acc(PLANE_B, 2.0e-4, 0.1))
    assert (out["total_dap_a"], out["total_dap_b"]) == (1.0e-3, 2.0e-4)
    assert out["total_dap"] == pytest.approx(1.2e-3) and out["number_of_planes"] == 2


def test_an_all_planes_total_alone_stands_for_the_planes() -> None:
    out = _summary(_acc(ALL, 1.2e-3, 0.6))
    assert out["total_dap"] == pytest.approx(1.2e-3) and out["number_of_planes"] == 1


def test_containers_without_plane_codes_keep_their_order() -> None:
    out = _summary(_acc(None, 3.0e-4, 0.2), _acc(None, 4.0e-4, 0.3))
    assert (out["total_dap_a"], out["total_dap_b"]) == (3.0e-4, 4.0e-4)
    single = _summary(_acc(SINGLE, 5.0e-4, 0.2))
    assert single["total_dap_a"] == 5.0e-4 and single["number_of_planes"] == 1


@pytest.mark.parametrize(("left", "right"), [
    (r.Coded("80248007", "SCT", "Left breast"), r.Coded("73056007", "SCT", "Right breast")),
    (r.Coded("T-04030", "SRT", "Left breast"), r.Coded("T-04020", "SRT", "Right breast")),
    (r.Coded("7771000", "SCT", "Left"), r.Coded("24028007", "SCT", "Right")),  # CID 244 instead of 6022
    (r.Coded("G-A101", "SRT", "Left"), r.Coded("G-A100", "SRT", "Right")),
])
def test_accumulated_glandular_dose_per_breast(left: r.Coded, right: r.Coded) -> None:
    accumulated = r.AccumulatedXrayDose(accum_mammography=(
        r.AccumMammography(laterality=left, accumulated_average_glandular_dose=1.5),
        r.AccumMammography(laterality=right, accumulated_average_glandular_dose=2.5)))
    out = _summary(accumulated)
    assert (out["total_agd_left"], out["total_agd_right"], out["total_agd_both"]) == (1.5, 2.5, None)


def test_fluoroscopy_and_acquisition_totals_stand_for_a_missing_total() -> None:
    """TID 10004 sent without its Dose Area Product and Dose (RP) totals: their sum is the plane's."""
    proj = r.AccumProjection(fluoro_dose_area_product_total=3.0e-4, acquisition_dose_area_product_total=1.0e-4,
                             fluoro_dose_rp_total=0.02, acquisition_dose_rp_total=0.01)
    out = _summary(r.AccumulatedXrayDose(acquisition_plane=SINGLE, accum_proj=proj))
    assert out["total_dap_a"] == pytest.approx(4.0e-4) and out["total_rp_dose_a"] == pytest.approx(0.03)
    fluoro_only = r.AccumProjection(fluoro_dose_area_product_total=3.0e-4)
    assert _summary(r.AccumulatedXrayDose(accum_proj=fluoro_only))["total_dap"] == pytest.approx(3.0e-4)
    sent = r.AccumProjection(fluoro_dose_area_product_total=3.0e-4, dose_area_product_total=5.0e-4)
    assert _summary(r.AccumulatedXrayDose(accum_proj=sent))["total_dap"] == pytest.approx(5.0e-4)
