"""Handled errors and pydicom warnings reach the log file, never the console (real ``openrem`` process).

``openrem dump FILE`` reads a file through the same path as an import without needing a database,
so the console (stdout and stderr) of a real command is checked here.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from openrem.dicom.synth import hostile
from openrem.logformat import ConsoleFormatter

OPENREM = Path(sys.executable).with_name("openrem")


def _dump(path: Path, log_root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOG_ROOT": str(log_root), "OPENREM_DATA": str(log_root / "data")}
    return subprocess.run([str(OPENREM), "dump", str(path)], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_handled_error_has_its_traceback_in_the_log_only(tmp_path: Path) -> None:
    bad = tmp_path / "flipped.dcm"
    bad.write_bytes(hostile.flipped_vr_length(0))
    done = _dump(bad, tmp_path / "logs")
    assert done.returncode != 0
    assert "BytesLengthException" in done.stderr  # the one-line reason
    assert "Traceback" not in done.stderr + done.stdout
    log = (tmp_path / "logs" / "openrem.log").read_text()
    assert "Traceback (most recent call last)" in log and "BytesLengthException" in log


def test_pydicom_warnings_go_to_the_log(tmp_path: Path) -> None:
    data = hostile.base_ct(0)
    at = data.find(b"1.2.840.10008.1.2.1\x00")  # Transfer Syntax says implicit VR, the data set is explicit
    path = tmp_path / "mismatch.dcm"
    path.write_bytes(data[:at] + b"1.2.840.10008.1.2\x00\x00" + data[at + 20:])
    done = _dump(path, tmp_path / "logs")
    assert "pydicom" not in done.stderr.lower() and "Warning" not in done.stderr, done.stderr
    log = (tmp_path / "logs" / "openrem.log").read_text()
    assert "VR for reading" in log, log


def test_console_formatter_drops_the_traceback() -> None:
    try:
        raise OverflowError("too big")
    except OverflowError:
        record = logging.LogRecord("openrem", logging.WARNING, __file__, 1, "failed: %s", ("x",), sys.exc_info())
    line = ConsoleFormatter("%(levelname)s %(message)s").format(record)
    assert line == "WARNING failed: x"
    assert record.exc_info is not None  # the file handler still gets it
    assert "Traceback" in logging.Formatter().format(record)
