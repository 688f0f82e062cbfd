#!/usr/bin/env python3
"""Run the shared conformance check (every sample file, isolated and sequential) with this project's CLI.

Skips with a message when the shared folder is absent, unless OPENREM_REQUIRE_ALL=1 (then fails).
Exit status: the conformance tool's (0 when every value agrees or is a listed, proven deviation).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OPENREM_SHARED", ROOT.parent / "shared"))


def main() -> int:
    tool = SHARED / "tools" / "conformance.py"
    if not tool.is_file():
        print(f"conformance: {tool} not found")
        return 1 if os.environ.get("OPENREM_REQUIRE_ALL") == "1" else 0
    cli = str(Path(sys.executable).parent / "openrem")
    cmd = [sys.executable, str(tool), "batch", "--cli", cli, "--dicom-dir", str(SHARED / "dicom"),
           "--deviations", str(ROOT / "docs" / "conformance-deviations.json"), *sys.argv[1:]]
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
