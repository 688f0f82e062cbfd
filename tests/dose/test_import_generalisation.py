"""Reports in other transfer syntaxes and with unusual content store every value, or nothing."""

from __future__ import annotations

import dataclasses
import random
import sys
from pathlib import Path

import pytest
from pydicom.uid import ExplicitVRBigEndian

from openrem.dicom.parse import parse_bytes
from openrem.dicom.synth import projection_random, vocab
from openrem.dicom.synth.common import to_bytes
from openrem.dicom.synth.projection import projection_dataset
from openrem.dicom.synth.transcode import transcode
from openrem.dose import treeio
from openrem.dose.models import Study
from openrem.dose.services import import_file

pytestmark = pytest.mark.django_db

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dicom"))
from test_content_items import CURRENT, KVP, WIDTH, per_pulse_spec  # noqa: E402


def _big_endian_dbt(tmp_path: Path) -> tuple[Path, bytes]:
    spec = projection_random.mg_spec(random.Random(21))
    spec = dataclasses.replace(spec, events=tuple(
        dataclasses.replace(ev, protocol="Tomosynthesis", number_of_pulses=15.0) for ev in spec.events))
    little = to_bytes(projection_dataset(spec))
    path = tmp_path / "dbt-big-endian.dcm"
    path.write_bytes(transcode(little, ExplicitVRBigEndian))
    return path, little


def _stored(outcome_path: Path) -> tuple[Study, tuple[object, ...]]:
    outcome = import_file(outcome_path)
    assert outcome.outcome == "stored", outcome.line()
    study = Study.objects.get(pk=outcome.study_pk)
    return study, treeio.study_trees_records(study)["projection_xray_radiation_dose"]


def test_big_endian_dbt_report_stores_every_value(tmp_path: Path) -> None:
    path, little = _big_endian_dbt(tmp_path)
    parsed = parse_bytes(little).report
    assert parsed is not None and len(parsed.projection_xray_radiation_dose[0].events) >= 4
    (tmp_path / "little.dcm").write_bytes(little)
    reference_study, expected = _stored(tmp_path / "little.dcm")
    reference_study.delete()
    outcome = import_file(path)
    assert outcome.outcome == "stored", outcome.line()
    study = Study.objects.get(pk=outcome.study_pk)
    assert study.modality_type == "MG"
    stored = treeio.study_trees_records(study)["projection_xray_radiation_dose"]
    assert stored == expected
    assert len(stored[0].events) == len(parsed.projection_xray_radiation_dose[0].events)


def test_truncated_big_endian_report_stores_nothing(tmp_path: Path) -> None:
    path, _ = _big_endian_dbt(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    before = Study.objects.count()
    outcome = import_file(path)
    assert outcome.failed and ("truncated" in outcome.detail or "past the end" in outcome.detail), outcome.line()
    assert Study.objects.count() == before


def test_per_pulse_rf_report_stores_every_value(tmp_path: Path) -> None:
    spec = per_pulse_spec()
    path = tmp_path / "rf-per-pulse.dcm"
    path.write_bytes(to_bytes(projection_dataset(spec)))
    study, stored = _stored(path)
    event = stored[0].events[0]
    assert event.source.kvp == KVP
    assert event.source.xray_tube_current == CURRENT
    assert event.source.pulse_width == WIDTH
    assert event.target_region_laterality.value == vocab.LEFT.value
    nonzero = [c for c in CURRENT if c]
    assert event.source.average_xray_tube_current == pytest.approx(sum(nonzero) / len(nonzero))
    assert study.modality_type == "RF"


def test_fixes_command_prints_the_registry() -> None:
    from io import StringIO

    from django.core.management import call_command

    from openrem.dicom import fixes

    out = StringIO()
    call_command("fixes", "--markdown", stdout=out)
    assert out.getvalue() == fixes.markdown_table()
    out = StringIO()
    call_command("fixes", "--manufacturer", "Philips", "--model", "Azurion", stdout=out)
    assert "philips_azurion_device_type" in out.getvalue() and "siemens_varic" not in out.getvalue()
