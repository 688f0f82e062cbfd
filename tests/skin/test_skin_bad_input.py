"""Reports the calculation cannot use give "not calculated: reason", never an exception."""

from __future__ import annotations

import dataclasses

import pytest
from skin_reports import event, report

from openrem.dicom.records import Mechanical
from openrem.skin import NotCalculated, SkinMap, calculate


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"primary": None, "secondary": None}, "no positioner angles"),
    ({"primary": 10.0, "secondary": None}, "no positioner angles"),
    ({"long_mm": None, "lat_mm": None, "height_mm": None}, "no table positions"),
    ({"height_mm": None}, "no table positions"),
    ({"dap_gym2": 0.0}, "no dose area product"),
    ({"k_ref_gy": 0.0}, "no dose at the reference point"),
    ({"primary": 720.0}, "positioner angles out of range"),
    ({"secondary": -135.0}, "positioner angles out of range"),
    ({"primary": float("nan")}, "positioner angles out of range"),
    ({"sid_mm": 0.0}, "no source to isocentre distance"),
])
def test_unusable_event(kwargs: dict[str, float | None], reason: str) -> None:
    result = calculate(report(event(**kwargs)))  # type: ignore[arg-type]
    assert isinstance(result, NotCalculated)
    assert str(result) == f"not calculated: {reason} (1 events)"
    assert result.skipped == {reason: 1}


def test_no_mechanical_data_and_no_events() -> None:
    bare = dataclasses.replace(event(), mechanical=None, source=None)
    assert str(calculate(report(bare))) == "not calculated: no positioner angles (1 events)"
    assert str(calculate(report())) == "not calculated: no irradiation events"


def test_table_far_away_reaches_no_skin() -> None:
    result = calculate(report(event(lat_mm=25000.0)))
    assert isinstance(result, NotCalculated)
    assert result.reason == "no irradiation event reached the phantom"


def test_bad_events_are_skipped_and_counted() -> None:
    odd = dataclasses.replace(event(uid="2"), mechanical=Mechanical(positioner_primary_angle=0.0))
    result = calculate(report(event(), odd, event(uid="3", dap_gym2=0.0)))
    assert isinstance(result, SkinMap)
    assert result.events_used == 1
    assert result.skipped == {"no positioner angles": 1, "no dose area product": 1}


def test_absurd_patient_size_falls_back_to_the_default() -> None:
    result = calculate(report(event(), height_m=17.0, mass_kg=-3.0))
    assert isinstance(result, SkinMap)
    assert (result.height_source, result.mass_source) == ("assumed", "assumed")
    assert result.phantom.height_cm == 178.6


def test_command_line_reports_unusable_files(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from openrem.skin.cli import main

    garbage = tmp_path / "garbage.dcm"
    garbage.write_bytes(b"not a DICOM file" * 20)
    assert main([str(garbage), "--json"]) == 1
    assert '"calculated": false' in capsys.readouterr().out
    assert main([str(tmp_path / "missing.dcm")]) == 1
    assert capsys.readouterr().out.startswith("not calculated: cannot read file")


def test_openrem_command_runs_skinmap_without_django(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    garbage = tmp_path / "garbage.dcm"
    garbage.write_bytes(b"x" * 200)
    from pathlib import Path

    src = str(Path(__file__).resolve().parents[2] / "src")
    code = ("import atexit, sys; atexit.register(lambda: print('django loaded:', 'django' in sys.modules)); "
            "sys.argv = ['openrem', 'skinmap', sys.argv[1]]; from openrem.cli import main; main()")
    done = subprocess.run([sys.executable, "-c", code, str(garbage)], capture_output=True, text=True,
                          env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("not calculated: unreadable DICOM")
    assert "django loaded: False" in done.stdout
