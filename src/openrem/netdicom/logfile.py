"""The rotating ``openrem_store.log`` handler (referenced from ``settings.LOGGING``)."""

from __future__ import annotations

import contextlib
import os
from logging.handlers import RotatingFileHandler


class StoreLogHandler(RotatingFileHandler):
    """A rotating file handler that creates its folder and opens the file on first use only."""

    def __init__(self, filename: str, max_bytes: int = 10_000_000, backup_count: int = 5) -> None:
        with contextlib.suppress(OSError):  # a folder that cannot be made is reported at the first write
            os.makedirs(os.path.dirname(filename) or ".", exist_ok=True)
        super().__init__(filename, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8", delay=True)
