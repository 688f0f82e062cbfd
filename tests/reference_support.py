"""Helpers for the tests that compare parsed reports with the reference values (reference.json).

The comparison is the conformance tool's own (``shared/tools/conformance.py``); accepted mismatches are
those listed in docs/conformance-deviations.json. Like conftest, this module must not import Django.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import REPO, SHARED

__all__ = ["GOLDEN", "REPO", "SHARED", "conformance", "deviations", "golden", "mismatches", "reference_study"]

#: The reference values: what the older OpenREM stored for every sample file.
GOLDEN = SHARED / "golden" / "reference.json"
DEVIATIONS = REPO / "docs" / "conformance-deviations.json"


@functools.cache
def conformance() -> ModuleType:
    """The conformance tool module (``SHARED/tools/conformance.py``), imported once."""
    tools = str(SHARED / "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    import conformance as module

    return module


@functools.cache
def golden() -> dict[str, Any]:
    """The whole reference (reference.json), read once; skips (fails with OPENREM_REQUIRE_ALL=1) when absent.

    The result is shared between tests: do not change it (:func:`reference_study` returns a copy).
    """
    if not GOLDEN.is_file():
        message = f"{GOLDEN} not found"
        if os.environ.get("OPENREM_REQUIRE_ALL") == "1":
            pytest.fail(message)
        pytest.skip(message)
    data: dict[str, Any] = json.loads(GOLDEN.read_text())
    return data


def reference_study(name: str) -> dict[str, Any]:
    """A copy of the first study the reference stored for sample file ``name`` imported alone."""
    studies = golden()["files"][name]["isolated"]["studies"]
    assert studies, f"reference has no study for {name}"
    study: dict[str, Any] = copy.deepcopy(studies[0])
    return study


def deviations() -> list[dict[str, str]]:
    """The accepted mismatches (docs/conformance-deviations.json); empty when the file is absent."""
    if not DEVIATIONS.is_file():
        return []
    found: list[dict[str, str]] = json.loads(DEVIATIONS.read_text())
    return found


def mismatches(name: str, expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """The conformance tool's failed comparisons of ``got`` with ``expected`` for sample file ``name``,
    the deviations accepted for that file left out."""
    tool = conformance()
    res = tool.Result()
    tool.compare(expected, got, "", res, tool.acceptor(deviations(), name))
    return list(res.failed)


def parsed_report(source: Path | bytes) -> Any:
    """Parse a file path or DICOM bytes and return the DoseReport, asserting parsing succeeded."""
    from openrem.dicom.parse import Status, parse_bytes, parse_path

    result = parse_bytes(source) if isinstance(source, bytes) else parse_path(source)
    assert result.status is Status.PARSED, result.reason
    assert result.report is not None
    return result.report


def only_event(report: Any) -> Any:
    """The single projection event of an image-header report."""
    (tree,) = report.projection_xray_radiation_dose
    (event,) = tree.events
    return event
