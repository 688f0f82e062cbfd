"""Log formatting: tracebacks go to the log files only, never to the console."""

from __future__ import annotations

import logging


class ConsoleFormatter(logging.Formatter):
    """One line per record: the message without its traceback or stack (the log file has them)."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
