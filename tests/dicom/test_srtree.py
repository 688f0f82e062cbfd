"""The fast raw Content Sequence reader gives exactly the tree pydicom's own API gives."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest

from conftest import SHARED
from openrem.dicom import srtree
from openrem.dicom.rawseq import RawParseError

SR_FILES = sorted(p.name for p in (SHARED / "dicom").glob("*.dcm")
                  if p.name.split("-")[1:2] in (["RDSR"], ["ESR"], ["RRDSR"], ["CT"], ["No"], ["Pat"])
                  or p.name.startswith(("ESR", "Dual")))


def _items(root: srtree.ContentItem) -> list[tuple]:  # type: ignore[type-arg]
    return [(i.relationship, i.value_type, i.concept, i.text, i.code, i.number, i.unit, i.template_id, len(i.children))
            for i in root.walk()]


@pytest.mark.parametrize("name", SR_FILES or ["CT-RDSR-Siemens-Multi-1.dcm"])
def test_raw_reader_equals_pydicom(name: str, sample) -> None:  # type: ignore[no-untyped-def]
    path: Path = sample(name)
    ds, fast = srtree.read_file(path.read_bytes())
    reference = srtree.tree_from_dataset(pydicom.dcmread(path))
    assert fast is not None
    assert _items(fast) == _items(reference)
    assert len(_items(fast)) >= 1
    assert "ContentSequence" not in ds or ds["ContentSequence"].VR == "SQ"


def test_image_without_content(sample) -> None:  # type: ignore[no-untyped-def]
    ds, root = srtree.read_file(sample("DX-Im-GE_XR220-1.dcm").read_bytes())
    assert root is None and ds.Modality == "DX"


def test_garbage_inside_the_sequence_is_an_error(sample) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(sample("CT-RDSR-Siemens-Multi-1.dcm").read_bytes())
    start = data.find(b"\x40\x00\x30\xa7")
    item = data.find(b"\xfe\xff\x00\xe0", data.find(b"\xfe\xff\x00\xe0", start) + 8)
    data[item:item + 4] = b"\x01\x02\x03\x04"
    with pytest.raises(RawParseError):
        srtree.read_file(bytes(data))
