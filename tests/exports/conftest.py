"""Export tests: the record factories of the store tests and the export helpers are importable."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dose"))  # the record factories
sys.path.insert(0, str(Path(__file__).resolve().parent))  # export_support

from django.conf import settings  # noqa: E402

Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)  # home of the file-based SQLite test database
