"""Helpers of the export tests: reading exports back, the shared sample files."""

from __future__ import annotations

import csv
import os
from itertools import zip_longest
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(os.environ.get("OPENREM_SHARED", Path(__file__).resolve().parents[2].parent / "shared"))


def shared_samples() -> list[Path]:
    """Every sample file of the shared folder (skips, or fails with OPENREM_REQUIRE_ALL=1, when absent)."""
    files = sorted(p for p in (SHARED / "dicom").glob("*.dcm") if p.is_file())
    if not files:
        message = f"no sample files under {SHARED / 'dicom'}"
        if os.environ.get("OPENREM_REQUIRE_ALL") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return files


def read_csv(path: str | Path) -> list[dict[str, str]]:
    """Rows of a CSV export as dictionaries (header -> text), read with the csv module."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def read_xlsx(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Sheet name -> rows (header -> value) of an XLSX export, read with openpyxl."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    out: dict[str, list[dict[str, Any]]] = {}
    for ws in book.worksheets:
        ws.reset_dimensions()  # read every row whatever size the writer recorded
        rows = list(ws.iter_rows(values_only=True))
        if ws.title == "Summary":
            out[ws.title] = [{"row": r} for r in rows]
            continue
        header = rows[0] if rows else ()
        out[ws.title] = [dict(zip_longest(header, r)) for r in rows[1:]]  # short rows: trailing empty cells
    book.close()
    return out
