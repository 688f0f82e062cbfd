"""The ``openrem`` command line, run as a user would (separate processes, own SQLite file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _run(args: list[str], db: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db}")
    return subprocess.run([str(BIN / args[0]), *args[1:]], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    if not (BIN / "openrem").exists():
        pytest.fail("the openrem command is not installed in this environment")
    path = tmp_path / "cli.sqlite3"
    assert _run(["openrem", "migrate", "--noinput", "-v0"], path, tmp_path).returncode == 0
    return path


def test_import_reports_each_file_and_fails_on_errors(db: Path, tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.dcm"
    bad.write_bytes(b"not dicom at all" * 20)
    good = sample("CT-RDSR-Siemens-Multi-1.dcm")
    result = _run(["openrem", "import", str(bad), str(good), str(sample("ESR_non-dose.dcm"))], db, tmp_path)
    lines = result.stdout.strip().splitlines()
    assert result.returncode != 0
    assert lines[0].startswith(f"{bad}: error (unreadable DICOM")
    assert lines[1].startswith(f"{good}: stored")
    assert lines[2].endswith("not a radiation dose report)")
    again = _run(["openrem", "import", str(good)], db, tmp_path)
    assert again.returncode == 0 and "already stored" in again.stdout


def test_folders_and_globs(db: Path, tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    folder = sample("CT-RDSR-Siemens-Multi-1.dcm").parent
    result = _run(["openrem", "import", str(folder / "CT-RDSR-Siemens-Multi-*.dcm")], db, tmp_path)
    assert result.returncode == 0, result.stderr
    assert [line.split(": ")[1].split(" ")[0] for line in result.stdout.splitlines()] == ["stored", "replaced",
                                                                                          "replaced"]
    dump = json.loads(_run(["openrem", "dump", "--format", "reference"], db, tmp_path).stdout)
    assert len(dump["studies"]) == 1 and dump["studies"][0]["summary"]["number_of_events"] == 3


def test_dump_file_needs_no_database(tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    result = _run(["openrem", "dump", str(sample("RF-RDSR-Siemens-Zee.dcm"))], tmp_path / "absent.sqlite3", tmp_path)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["kind"] == "projection_rdsr"
    assert len(body["record"]["projection_xray_radiation_dose"][0]["events"]) == 8
    assert not (tmp_path / "absent.sqlite3").exists()


def test_classic_importer_name_only_takes_its_kind(db: Path, tmp_path: Path, sample) -> None:  # type: ignore[no-untyped-def]
    result = _run(["openrem_rdsr.py", str(sample("DX-Im-GE_XR220-1.dcm")), str(sample("RF-RDSR-GE.dcm"))],
                  db, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "skipped" in result.stdout.splitlines()[0] and "stored" in result.stdout.splitlines()[1]


def test_synth_then_import(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "synth"
    assert _run(["openrem", "synth", "--modality", "MG", "--count", "3", "--out", str(out)], db, tmp_path).returncode == 0
    result = _run(["openrem", "import", str(out)], db, tmp_path)
    assert result.returncode == 0 and result.stdout.count(": stored") == 3
