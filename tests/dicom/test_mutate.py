"""The fuzzing mutations are deterministic and each one changes the file."""

from __future__ import annotations

import random

import pytest
from pydicom import dcmread

from openrem.dicom.synth import hostile, mutate

BASE = hostile.base_ct(4)


@pytest.mark.parametrize("name", sorted(mutate.MUTATIONS))
def test_mutation_is_deterministic_and_changes_the_file(name: str) -> None:
    first = mutate.mutate(BASE, random.Random(9), name)
    again = mutate.mutate(BASE, random.Random(9), name)
    assert first == again and first[0] == name
    assert first[1] != BASE


def test_fresh_uids_keep_the_layout() -> None:
    import io

    out = mutate.fresh_uids(BASE, 7)
    assert len(out) == len(BASE) and out != BASE
    before, after = (dcmread(io.BytesIO(b)) for b in (BASE, out))
    assert after.StudyInstanceUID != before.StudyInstanceUID and after.SOPInstanceUID != before.SOPInstanceUID
    assert len(after.StudyInstanceUID) == len(before.StudyInstanceUID)
