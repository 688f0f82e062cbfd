#!/usr/bin/env python3
"""Skin dose map calculation speed (not part of the test suite).

Run: ``.venv/bin/python benchmarks/skin.py [--repeat 5]`` (needs OPENREM_SHARED, default ../shared).

For each sample RDSR: parse time, then the median calculation time over ``--repeat`` runs (after
one warm-up) from the parsed record, with the number of irradiations (rotational runs counted per
frame) and cells. The 316-event Philips sample reports table positions in another origin, so its
beams miss the phantom; it is also timed "centred" (table positions re-centred on their median so
that every beam lands on the phantom), which is the worst case. Goal: under 2 s per study.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from openrem.dicom.parse import parse_path  # noqa: E402
from openrem.dicom.records import DoseReport  # noqa: E402
from openrem.skin import calculate  # noqa: E402
from openrem.skin.inputs import collect  # noqa: E402

SHARED = Path(os.environ.get("OPENREM_SHARED", ROOT.parent / "shared"))
SAMPLES = ("RF-RDSR-Siemens-Zee.dcm", "RF-RDSR-Canon-Alphenix-rotational.dcm", "RF-RDSR-Philips_Azurion.dcm",
           "RF-Pat-Orientation-Modifier-Missing.dcm")
GOAL_S = 2.0


def centred(report: DoseReport) -> DoseReport:
    """The report with every event's table position moved to the Zee sample's (beams on the chest)."""
    projs = []
    for proj in report.projection_xray_radiation_dose:
        events = []
        for ev in proj.events:
            mech = ev.mechanical
            if mech is not None and mech.distances is not None:
                dist = dataclasses.replace(mech.distances, table_longitudinal_position=-25.9,
                                           table_lateral_position=600.0, table_height_position=150.0)
                ev = dataclasses.replace(ev, mechanical=dataclasses.replace(mech, distances=dist))
            events.append(ev)
        projs.append(dataclasses.replace(proj, events=tuple(events)))
    return dataclasses.replace(report, projection_xray_radiation_dose=tuple(projs))


def timed(report: DoseReport, repeat: int) -> tuple[float, object]:
    """Median seconds of ``calculate(report)`` and its result."""
    result = calculate(report)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = calculate(report)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    """Print one line per sample and variant."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'sample':45} {'events':>6} {'irrad.':>6} {'parse s':>8} {'calc s':>7} {'goal':>6}  result")
    for name in SAMPLES:
        start = time.perf_counter()
        report = parse_path(SHARED / "dicom" / name).report
        parse_s = time.perf_counter() - start
        assert report is not None, name
        variants = [(name, report)]
        if name.startswith("RF-Pat") or "Azurion" in name:
            variants.append((name + " (centred)", centred(report)))
        for label, rep in variants:
            events = sum(len(p.events) for p in rep.projection_xray_radiation_dose)
            irradiations = len(collect(rep))
            calc_s, result = timed(rep, args.repeat)
            peak = getattr(result, "peak_skin_dose_gy", None)
            outcome = f"peak {peak * 1000:.2f} mGy" if peak is not None else str(result)
            ratio = (parse_s + calc_s) / GOAL_S
            print(f"{label:45} {events:6d} {irradiations:6d} {parse_s:8.2f} {calc_s:7.3f} {ratio:6.2f}  {outcome}")


if __name__ == "__main__":
    main()
