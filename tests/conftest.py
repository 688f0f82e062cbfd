"""Shared test helpers. This module must not import Django: the parsing-layer tests run without it.

Real sample files live in the shared folder: env var OPENREM_SHARED, by default the ``shared``
folder beside the repository. When it is absent the tests that need it are skipped, unless
OPENREM_REQUIRE_ALL=1, in which case they fail.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "src") not in sys.path:  # the package is used from the source tree when not installed
    sys.path.insert(0, str(REPO / "src"))
SHARED = Path(os.environ.get("OPENREM_SHARED", REPO.parent / "shared"))


def sample_path(name: str) -> Path:
    """Path of the sample DICOM file ``name``; skips (or fails with OPENREM_REQUIRE_ALL=1) when absent."""
    path = SHARED / "dicom" / name
    if not path.is_file():
        message = f"sample file {name} not found under {SHARED / 'dicom'}"
        if os.environ.get("OPENREM_REQUIRE_ALL") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def sample() -> Callable[[str], Path]:
    """The ``sample(name)`` helper: the path of a real sample file (see :func:`sample_path`)."""
    return sample_path
