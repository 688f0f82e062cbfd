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


def test_demo_serves_pages_and_static_files(tmp_path: Path) -> None:
    """The README's first command: demo data, a login printed, pages styled (static files served)."""
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, OPENREM_DATA=str(tmp_path / "data"))
    env.pop("DATABASE_URL", None)
    assert subprocess.run([str(BIN / "openrem"), "migrate", "-v0"], env=env, cwd=tmp_path, timeout=120).returncode == 0
    proc = subprocess.Popen([str(BIN / "openrem"), "demo", "--port", str(port)], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{base}/login/", timeout=2) as response:
                    assert response.status == 200
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the demo server did not start")
        with urllib.request.urlopen(f"{base}/static/web/vendor/bootstrap-5.3.3/bootstrap.min.css", timeout=5) as css:
            assert css.status == 200 and b"Bootstrap" in css.read(400)
        assert (tmp_path / "data" / "demo-login.txt").read_text().strip()
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert "login: admin" in output and f"http://127.0.0.1:{port}/" in output
