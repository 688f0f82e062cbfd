"""``openrem skinmap FILE [--height CM] [--mass KG] [--json]``: one report's skin dose map, no database."""

from __future__ import annotations

import argparse
import json
import sys

from openrem.skin.calc import NotCalculated, calculate_file


def main(argv: list[str]) -> int:
    """Print the map (JSON) or a summary; exit status 1 when no map could be calculated."""
    parser = argparse.ArgumentParser(prog="openrem skinmap", description="Skin dose map of one projection RDSR.")
    parser.add_argument("file", help="DICOM radiation dose structured report")
    parser.add_argument("--height", type=float, default=None, help="patient height (cm)")
    parser.add_argument("--mass", type=float, default=None, help="patient mass (kg)")
    parser.add_argument("--json", action="store_true", help="print the map and its description as JSON")
    args = parser.parse_args(argv)
    result = calculate_file(args.file, args.height, args.mass)
    if isinstance(result, NotCalculated):
        if args.json:
            print(json.dumps({"calculated": False, "reason": result.reason, "events_skipped": result.skipped}))
        else:
            print(str(result))
        return 1
    if args.json:
        print(json.dumps(result.as_json()))
        return 0
    ph = result.phantom
    print(f"peak skin dose: {result.peak_skin_dose_gy * 1000:.3f} mGy")
    print(f"phantom: {ph.height_cm:g} cm ({result.height_source}), {ph.mass_kg:g} kg ({result.mass_source}), "
          f"{result.orientation.code} ({result.orientation.source}); map {ph.width} x {ph.map_rows} cells")
    print(f"events used: {result.events_used}; skipped: {result.skipped or 0}; "
          f"DAP on the phantom: {result.fraction_dap * 100:.0f} %")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
