"""``openrem_ptsizecsv.py [-h] [-u] [-v] [-o] csvfile id height weight`` (the spec's command line)."""

from __future__ import annotations

import argparse
import os
import sys


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="openrem_ptsizecsv.py", description=(
        "Add patient height (cm or m) and weight (kg) from a CSV file to the studies matched by accession number "
        "(or Study Instance UID with -u). Heights and weights already stored are kept unless -o."))
    p.add_argument("-u", "--si-uid", action="store_true", help="use Study Instance UID instead of accession number")
    p.add_argument("-v", "--verbose", action="store_true", help="print the outcome of every row")
    p.add_argument("-o", "--overwrite", action="store_true", help="replace heights and weights already stored")
    p.add_argument("--height-unit", choices=["auto", "cm", "m"], default="auto",
                   help="unit of the height column (auto: values below 3 are metres)")
    p.add_argument("csvfile", help="CSV file with a header row")
    p.add_argument("id", help="column title of the accession number or Study Instance UID")
    p.add_argument("height", help="column title of the height (may be an empty column)")
    p.add_argument("weight", help="column title of the weight in kg (may be an empty column)")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the import; returns the exit status (1 when the file cannot be read)."""
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openrem.settings")
    import django

    django.setup()
    from openrem.ptsize.csvimport import CsvError, import_sizes

    try:
        with open(args.csvfile, "rb") as handle:
            data = handle.read()
        result = import_sizes(data, args.id, args.height, args.weight, by_uid=args.si_uid, unit=args.height_unit,
                              overwrite=args.overwrite)
    except (OSError, CsvError) as exc:
        print(f"{args.csvfile}: {exc}", file=sys.stderr)
        return 1
    if args.verbose:
        for line in result.lines:
            print(line)
    print(result.summary())
    return 0
