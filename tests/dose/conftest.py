"""Store tests run on the database named by DATABASE_URL (SQLite by default, PostgreSQL in CI)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for the local ``factories`` module

from django.conf import settings  # noqa: E402

Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)  # home of the file-based SQLite test database
