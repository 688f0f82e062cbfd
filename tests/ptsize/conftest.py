"""Size import tests run on the database named by DATABASE_URL."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dose"))  # the record factories

from django.conf import settings  # noqa: E402

Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
