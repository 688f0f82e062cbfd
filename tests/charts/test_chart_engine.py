"""Chart numbers on small hand-made datasets (SQLite and PostgreSQL give the same figures).

Quartiles follow percentile_cont: position p * (n - 1) in the sorted values, linear interpolation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from chartdata import (
    LOCALISER,
    SEQUENCED,
    SPIRAL,
    administration,
    by_category,
    ct_events,
    equipment,
    projection_events,
    study,
)

from openrem.charts import compute as compute_module
from openrem.charts.options import ChartOptions
from openrem.dose.models import StandardName

pytestmark = pytest.mark.django_db
HEAD = [10, 11, 12, 13, 14, 15, 16, 17, 100]  # q1 12, median 14, q3 16, fences 6 / 22, outlier 100


@pytest.fixture
def ct_data(db: Any) -> None:
    a, b = equipment("CT1"), equipment("CT2")
    for i, v in enumerate(HEAD):  # one study a day from Thu 2024-02-01 10:00, DLP v, CTDIvol v/10
        s = study("CT", b, dt.datetime(2024, 2, 1 + i, 10, 0), study_description="Head", total_dlp=v,
                  patient_weight=60 + i, number_of_events=2)
        ct_events(s, ("Head Seq", SEQUENCED, v, v / 10), ("Topogram", LOCALISER, 1, 0.5))
    # names differing by case and spaces; two blanks (NULL and "")
    for name, dlp, when in (("Chest", 100, dt.datetime(2024, 1, 15, 9, 30)), ("  chest ", 200, None),
                            ("CHEST", 400, dt.datetime(2024, 3, 4, 14, 5)), ("Chest   Abdo", 50, None),
                            ("Chest Abdo", 70, None), (None, 300, None), ("", 500, None), ("   ", 600, None)):
        s = study("CT", a, when, study_description=name, total_dlp=dlp, number_of_events=1)
        ct_events(s, (name, SPIRAL, dlp, dlp / 100))


def test_average_mean_median_quartiles_whiskers_outliers(ct_data: None, compute: Any) -> None:
    rows = by_category(compute("ct", "study_description_dlp"))
    head = rows["Head"]
    assert head["n"] == 9
    assert head["mean"] == pytest.approx(208 / 9)
    assert (head["q1"], head["median"], head["q3"]) == pytest.approx((12, 14, 16))
    assert (head["min"], head["max"]) == (10, 100)
    assert (head["lower_whisker"], head["upper_whisker"]) == (10, 17)
    assert head["n_outliers"] == 1 and head["outliers"] == [100]
    assert rows["Blank"]["n"] == 2 and rows["Blank"]["median"] == pytest.approx(400)  # NULL and ""
    assert rows["   "]["n"] == 1  # spaces only: a name unless trimming is on
    assert rows["Chest"]["system"] is None


def test_event_level_average_and_acquisition_types(ct_data: None, compute: Any) -> None:
    rows = by_category(compute("ct", "acquisition_protocol_ctdivol"))
    assert "Topogram" not in rows  # localisers are not among the default types (sequenced, spiral)
    assert rows["Head Seq"]["median"] == pytest.approx(1.4)
    assert rows["Head Seq"]["q3"] == pytest.approx(1.6)
    with_localisers = by_category(compute("ct", "acquisition_protocol_ctdivol",
                                          ChartOptions(ct_acquisition_types=["constant_angle"])))
    assert set(with_localisers) == {"Topogram"} and with_localisers["Topogram"]["n"] == 9
    # event CTDIvol grouped by the study description (study field reached from the event)
    by_study = by_category(compute("ct", "study_description_ctdivol"))
    assert by_study["Head"]["n"] == 9 and by_study["Head"]["mean"] == pytest.approx(2.08 / 9 * 10)


@pytest.mark.parametrize(("trim", "lower", "expected"), [
    (False, False, {"Chest": [100], "  chest ": [200], "CHEST": [400], "Chest   Abdo": [50], "Chest Abdo": [70],
                    "Blank": [300, 500], "   ": [600], "Head": HEAD}),
    (True, False, {"Chest": [100], "chest": [200], "CHEST": [400], "Chest Abdo": [50, 70],
                   "Blank": [300, 500, 600], "Head": HEAD}),
    (False, True, {"chest": [100, 400], "  chest ": [200], "chest   abdo": [50], "chest abdo": [70],
                   "Blank": [300, 500], "   ": [600], "head": HEAD}),
    (True, True, {"chest": [100, 200, 400], "chest abdo": [50, 70], "Blank": [300, 500, 600], "head": HEAD}),
])
def test_case_insensitive_and_whitespace_options(ct_data: None, compute: Any, trim: bool, lower: bool,
                                                 expected: dict[str, list[float]]) -> None:
    rows = by_category(compute("ct", "study_description_dlp", ChartOptions(trim_whitespace=trim,
                                                                           case_insensitive=lower)))
    assert {k: r["n"] for k, r in rows.items()} == {k: len(v) for k, v in expected.items()}
    for name, values in expected.items():
        assert rows[name]["mean"] == pytest.approx(sum(values) / len(values)), name
    if trim and lower:  # 100, 200, 400: q1 150, median 200, q3 300
        assert (rows["chest"]["q1"], rows["chest"]["median"], rows["chest"]["q3"]) == pytest.approx((150, 200, 300))


def test_histogram_counts_per_category_and_fixed(ct_data: None, compute: Any) -> None:
    data = compute("ct", "study_description_dlp", ChartOptions(histograms=True, histogram_bins=4))
    hist = data["histogram"]
    head = {r["bin"]: r["n"] for r in hist["rows"] if r["category"] == "Head"}
    assert head == {0: 8, 3: 1}  # 10..100 in 4 bins of 22.5: eight below 32.5, the maximum in the last bin
    assert hist["edges"]["Head"] == pytest.approx([10, 32.5, 55, 77.5, 100])
    fixed = compute("ct", "study_description_dlp", ChartOptions(histograms=True, histogram_bins=2, fixed_bins=True))
    assert fixed["histogram"]["edges"]["Head"] == pytest.approx([10, 305, 600])  # every category: 10..600
    cells = {(r["category"], r["bin"]): r["n"] for r in fixed["histogram"]["rows"]}
    assert cells[("Head", 0)] == 9 and cells[("Blank", 0)] == 1 and cells[("Blank", 1)] == 1  # 300 / 500
    assert cells[("   ", 1)] == 1


def test_frequency_per_system_and_pooled(ct_data: None, compute: Any) -> None:
    pooled = by_category(compute("ct", "study_description_frequency"))
    assert pooled["Head"]["n"] == 9 and pooled["Blank"]["n"] == 2
    per_system = compute("ct", "acquisition_protocol_frequency", ChartOptions(per_system=True))
    assert by_category(per_system)[("Head Seq", "CT2")]["n"] == 9
    assert per_system["series"] == "system"
    assert per_system["categories"][0] == "Head Seq"  # sorted by frequency, descending (defaults)


def test_sorting_options(ct_data: None, compute: Any) -> None:
    from openrem.charts.options import ModalityOptions

    by_name = ChartOptions(sort_direction="asc", modalities={"ct": ModalityOptions(sort_by="name")})
    assert compute("ct", "study_description_dlp", by_name)["categories"][:3] == ["   ", "  chest ", "Blank"]
    by_value = ChartOptions(modalities={"ct": ModalityOptions(sort_by="value")})
    assert compute("ct", "study_description_dlp", by_value)["categories"][0] == "   "  # mean 600


def test_over_time_buckets(ct_data: None, compute: Any) -> None:
    from openrem.charts.options import ModalityOptions

    month = compute("ct", "study_description_dlp_over_time")
    cells = {(r["category"], r["period"]): r for r in month["rows"]}
    assert set(cells) == {("Head", "2024-02-01"), ("Chest", "2024-01-01"), ("CHEST", "2024-03-01")}
    assert cells[("Head", "2024-02-01")]["median"] == pytest.approx(14)
    week = compute("ct", "study_description_dlp_over_time", ChartOptions(modalities={"ct": ModalityOptions(
        time_period="week")}))
    head_weeks = {r["period"]: r["n"] for r in week["rows"] if r["category"] == "Head"}
    assert head_weeks == {"2024-01-29": 4, "2024-02-05": 5}  # Thu 1st-Sun 4th, Mon 5th-Fri 9th
    year = compute("ct", "acquisition_protocol_dlp_over_time", ChartOptions(modalities={"ct": ModalityOptions(
        time_period="year")}))
    assert by_category(year)["Head Seq"]["period"] == "2024-01-01"
    quarter = compute("ct", "study_description_dlp_over_time", ChartOptions(modalities={"ct": ModalityOptions(
        time_period="quarter")}))
    assert {r["period"] for r in quarter["rows"]} == {"2024-01-01"}


def test_workload_cells(ct_data: None, compute: Any) -> None:
    data = compute("ct", "study_description_workload")
    cells = {(r["weekday"], r["hour"]): r["n"] for r in data["rows"]}
    # Head: Thu 1 Feb .. Fri 9 Feb at 10:00 -> Thu x2, Fri x2, Sat, Sun, Mon, Tue, Wed; Chest Mon 9:30; CHEST Mon 14:05
    assert cells == {(4, 10): 2, (5, 10): 2, (6, 10): 1, (7, 10): 1, (1, 10): 1, (2, 10): 1, (3, 10): 1,
                     (1, 9): 1, (1, 14): 1}


def test_filters_change_the_chart(ct_data: None, compute: Any) -> None:
    rows = by_category(compute("ct", "study_description_dlp", date_from="2024-02-05"))
    assert set(rows) == {"Head", "CHEST"} and rows["Head"]["n"] == 5
    assert compute("ct", "study_description_dlp", study_description="nothing-like-this")["rows"] == []


def test_scatter_and_deterministic_sampling(ct_data: None, compute: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    data = compute("ct", "acquisition_protocol_dlp_vs_mass")
    assert data["total"] == 9 and not data["sampled"]  # only the Head events have a patient mass
    assert sorted((p["x"], p["y"]) for p in data["points"])[0] == (60, 10)
    monkeypatch.setattr(compute_module, "MAX_POINTS", 4)
    first = compute("ct", "acquisition_protocol_dlp_vs_mass")
    assert first["sampled"] and first["total"] == 9 and 1 <= first["shown"] <= 4
    assert compute("ct", "acquisition_protocol_dlp_vs_mass")["points"] == first["points"]


def test_standard_names_exclude_blank(ct_data: None, compute: Any) -> None:
    StandardName.objects.create(modality="CT", standard_name="Head routine", study_description="Head")
    StandardName.objects.create(modality="CT", standard_name="Head routine", acquisition_protocol="Head Seq")
    study_rows = by_category(compute("ct", "standard_study_name_dlp"))
    assert set(study_rows) == {"Head routine"} and study_rows["Head routine"]["median"] == pytest.approx(14)
    acquisition = by_category(compute("ct", "standard_acquisition_name_frequency"))
    assert acquisition == {"Head routine": {"category": "Head routine", "system": None, "n": 9}}


def test_binned_agd_in_thickness_bins(db: Any, compute: Any) -> None:
    unit = equipment("MG1")
    s = study("MG", unit, dt.datetime(2024, 5, 2, 8, 0), study_description="Mammo")
    events = [(15, 1.0), (19.9, 2.0), (20, 1.5), (45, 1.2), (48, 1.6), (95, 3.0)]  # (thickness mm, AGD mGy)
    projection_events(s, *({"acquisition_protocol": "CC", "compression_thickness": t, "average_glandular_dose": a,
                            "kvp": [28.0], "exposure_uAs": [80000.0]} for t, a in events))
    data = compute("mg", "acquisition_protocol_agd_thickness_bins")
    cells = {r["bin_label"]: r for r in data["rows"]}
    assert set(cells) == {"<20", "20-30", "40-50", "≥90"}
    assert cells["<20"]["n"] == 2 and cells["<20"]["mean"] == pytest.approx(1.5)
    assert cells["40-50"]["median"] == pytest.approx(1.4)
    assert cells["≥90"]["mean"] == pytest.approx(3.0)
    kvp = compute("mg", "acquisition_protocol_kvp_vs_thickness")  # first value of the JSON list
    assert {(p["x"], p["y"]) for p in kvp["points"]} >= {(15, 28.0)}
    mas = compute("mg", "acquisition_protocol_mas_vs_thickness")
    assert mas["points"][0]["y"] == pytest.approx(80.0)  # 80000 uAs


def test_rf_physician_split_dx_and_nm(db: Any, compute: Any) -> None:
    room = equipment("RF1")
    for physician, dap in (("Dr A", 0.001), ("Dr A", 0.003), (None, 0.002)):
        study("RF", room, dt.datetime(2024, 6, 3, 9, 0), study_description="Barium", total_dap=dap,
              performing_physician_name=physician)
    split = compute("rf", "study_description_dap", ChartOptions(split_by_physician=True))
    assert split["series"] == "physician" and split["unit"] == "Gy·m²" and split["display_unit"] == "cGy·cm²"
    rows = by_category(split)
    assert rows[("Barium", "Dr A")]["mean"] == pytest.approx(0.002) and rows[("Barium", "Blank")]["n"] == 1
    dx = equipment("DX1")
    s = study("DX", dx, dt.datetime(2024, 6, 4, 9, 0), study_description="Chest PA", total_dap=0.0001)
    projection_events(s, {"acquisition_protocol": "PA", "dose_area_product": 0.0001, "kvp": [120.0]})
    assert by_category(compute("dx", "acquisition_protocol_kvp"))["PA"]["mean"] == pytest.approx(120)
    nm = equipment("NM1")
    for activity in (300.0, 400.0):
        administration(study("NM", nm, dt.datetime(2024, 6, 5, 9, 0), study_description="Bone",
                             total_administered_activity=activity), activity)
    assert by_category(compute("nm", "study_description_activity"))["Bone"]["median"] == pytest.approx(350)


def test_ssde_and_effective_dose_charts_leave_out_missing_estimates(db: Any, compute: Any) -> None:
    from openrem.dose.models import CtEvent

    ct = equipment("CT9")
    for i, (ssde, e_msv) in enumerate(((12.0, 4.0), (18.0, None), (None, 6.0))):
        s = study("CT", ct, dt.datetime(2024, 5, 1 + i, 9, 0), study_description="Abdomen", total_dlp=100.0,
                  max_ssde_mgy=ssde, effective_dose_estimate_msv=e_msv)
        ct_events(s, ("Abdo Helical", SPIRAL, 100.0, 8.0))
        CtEvent.objects.filter(parent__parent=s).update(ssde_mgy=ssde, ssde_method="water_equivalent_diameter"
                                                        if ssde is not None else None)
    protocol = by_category(compute("ct", "acquisition_protocol_ssde"))["Abdo Helical"]
    assert protocol["n"] == 2 and protocol["mean"] == pytest.approx(15.0)  # (12 + 18) / 2, the null left out
    ctdivol = by_category(compute("ct", "acquisition_protocol_ctdivol"))["Abdo Helical"]
    assert ctdivol["n"] == 3 and ctdivol["mean"] == pytest.approx(8.0)  # CTDIvol unaffected by SSDE
    assert by_category(compute("ct", "study_description_ssde"))["Abdomen"]["median"] == pytest.approx(15.0)
    effective = by_category(compute("ct", "study_description_effective_dose"))["Abdomen"]
    assert effective["n"] == 2 and effective["mean"] == pytest.approx(5.0)


def test_nm_effective_dose_chart_leaves_out_missing_estimates(db: Any, compute: Any) -> None:
    nm = equipment("NM9")
    for i, e_msv in enumerate((7.486, None, 5.7)):
        s = study("NM", nm, dt.datetime(2024, 5, 1 + i, 9, 0), study_description="PET FDG",
                  total_administered_activity=300.0, effective_dose_estimate_msv=e_msv)
        administration(s, 300.0)
    effective = by_category(compute("nm", "study_description_effective_dose"))["PET FDG"]
    assert effective["n"] == 2 and effective["mean"] == pytest.approx((7.486 + 5.7) / 2)
