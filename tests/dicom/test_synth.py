"""The synthetic generator writes valid DICOM Part 10 files with consistent, plausible values."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from pydicom import dcmread
from pydicom.dataset import Dataset

from openrem.dicom import codes, synth
from openrem.dicom.srtree import read_file, tree_from_dataset
from openrem.dicom.synth import vocab

BUILDERS: dict[str, tuple[Callable[..., Dataset], str, str]] = {
    "ct": (synth.ct_rdsr, "1.2.840.10008.5.1.4.1.1.88.67", "SR"),
    "rf": (synth.rf_rdsr, "1.2.840.10008.5.1.4.1.1.88.67", "SR"),
    "dx": (synth.dx_rdsr, "1.2.840.10008.5.1.4.1.1.88.67", "SR"),
    "mg": (synth.mg_rdsr, "1.2.840.10008.5.1.4.1.1.88.67", "SR"),
    "nm": (synth.rrdsr, "1.2.840.10008.5.1.4.1.1.88.68", "SR"),
    "dx_image": (synth.dx_image, "1.2.840.10008.5.1.4.1.1.1.1", "DX"),
    "cr_image": (synth.cr_image, "1.2.840.10008.5.1.4.1.1.1", "CR"),
    "mg_image": (synth.mg_image, "1.2.840.10008.5.1.4.1.1.1.2", "MG"),
    "nm_image": (synth.nm_image, "1.2.840.10008.5.1.4.1.1.20", "NM"),
    "pet_image": (synth.pet_image, "1.2.840.10008.5.1.4.1.1.128", "PT"),
}


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_part10_round_trip(kind: str) -> None:
    build, sop_class, modality = BUILDERS[kind]
    data = synth.to_bytes(build(random.Random(1)))
    assert data[128:132] == b"DICM"
    ds = dcmread(io.BytesIO(data))
    assert ds.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2.1"
    assert ds.file_meta.MediaStorageSOPClassUID == sop_class == ds.SOPClassUID
    assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
    assert ds.Modality == modality
    # pydicom decodes the raw content sequence and encodes it again
    if "ContentSequence" in ds:
        assert len(ds.ContentSequence) >= 3
        ds2 = dcmread(io.BytesIO(synth.to_bytes(ds)))
        assert len(ds2.ContentSequence) == len(ds.ContentSequence)


@pytest.mark.parametrize("kind", ["ct", "rf", "dx", "mg", "nm"])
def test_fast_tree_matches_pydicom_tree(kind: str) -> None:
    data = synth.to_bytes(BUILDERS[kind][0](random.Random(2)))
    _, fast = read_file(data)
    slow = tree_from_dataset(dcmread(io.BytesIO(data)))
    assert fast == slow


def test_fresh_uids_and_seeded_repeatability() -> None:
    a, b = synth.ct_spec(), synth.ct_spec()
    assert a.study.study_uid != b.study.study_uid
    assert a.events[0].uid != b.events[0].uid
    assert synth.ct_spec(random.Random(7)) == synth.ct_spec(random.Random(7))


def test_ct_totals_and_ranges() -> None:
    rng = random.Random(3)
    for _ in range(200):
        spec = synth.ct_spec(rng)
        assert spec.dlp_total == round(sum(ev.dlp for ev in spec.events), 2)
        for ev in spec.events:
            assert ev.dlp == round(ev.ctdivol * ev.scanning_length / 10, 2)
            if ev.acquisition_type in ("spiral", "sequenced"):
                assert 1.0 <= ev.ctdivol <= 40.0
        assert spec.start <= spec.end


def test_projection_totals_and_ranges() -> None:
    rng = random.Random(4)
    for _ in range(100):
        rf = synth.rf_spec(rng)
        assert rf.dap_total == pytest.approx(rf.fluoro_dap_total + rf.acquisition_dap_total, rel=1e-5)
        assert all(0.0001 <= ev.dap <= 0.05 for ev in rf.events)
        mg = synth.mg_spec(rng)
        assert all(0.5 <= (ev.agd or 0) <= 3.0 for ev in mg.events)
        left = sum(ev.agd or 0 for ev in mg.events if ev.laterality == vocab.LEFT)
        assert mg.accumulated_agd(vocab.LEFT) == round(left, 2)


def test_overrides_replace_spec_fields() -> None:
    patient = synth.ct_spec(random.Random(1)).patient
    spec = synth.ct_spec(random.Random(2), patient=patient)
    assert spec.patient == patient
    ds = synth.ct_rdsr(random.Random(2), patient=patient)
    assert ds.PatientID == patient.patient_id


def test_codes_agree_with_parser_concepts() -> None:
    pairs = [
        (vocab.XRAY_DOSE_REPORT, codes.XRAY_DOSE_REPORT), (vocab.CT_ACQUISITION, codes.CT_ACQUISITION),
        (vocab.MEAN_CTDIVOL, codes.MEAN_CTDIVOL), (vocab.DLP, codes.DLP), (vocab.SPIRAL, codes.SPIRAL_ACQUISITION),
        (vocab.HAS_INTENT, codes.HAS_INTENT), (vocab.MAMMOGRAPHY, codes.MAMMOGRAPHY),
        (vocab.DAP, codes.DOSE_AREA_PRODUCT), (vocab.IRRADIATION_EVENT_UID, codes.IRRADIATION_EVENT_UID),
        (vocab.LEFT_BREAST, codes.LEFT_BREAST), (vocab.ACQUISITION_DEVICE_TYPE, codes.ACQUISITION_DEVICE_TYPE),
        (vocab.RADIOPHARMACEUTICAL_ADMINISTRATION, codes.RADIOPHARMACEUTICAL_ADMINISTRATION),
    ]
    for mine, theirs in pairs:
        assert theirs.matches(mine.value, mine.scheme), (mine, theirs)


@pytest.mark.parametrize("modality", sorted(synth.BUILDERS))
def test_generate_writes_a_mixed_set(modality: str, tmp_path: Path) -> None:
    paths = synth.generate(modality, 12, seed=5, out_dir=tmp_path)
    assert len(paths) == 12
    headers = [dcmread(p, stop_before_pixels=True) for p in paths]
    assert len({h.StationName for h in headers}) >= 2
    assert len({h.StudyInstanceUID for h in headers}) == 12
    assert len({h.PatientID for h in headers}) < 12  # some patients come back
    again = synth.generate(modality, 12, seed=5, out_dir=tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]


def test_generated_ct_rdsrs_have_full_size() -> None:
    """Correctness part of the generation benchmark (the timing goal lives in benchmarks/run.py)."""
    _seconds, size = synth.benchmark_ct(100)
    assert size > 100 * 5000
