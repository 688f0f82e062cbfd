"""The API and ``openrem dump`` always emit strict JSON (RFC 8259): never a bare NaN or Infinity."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from openrem.dicom.synth import hostile
from openrem.dose.models import CtEvent, Study
from openrem.jsonsafe import dumps, finite

pytestmark = pytest.mark.django_db


def _refuse(constant: str) -> Any:
    raise AssertionError(f"non-strict JSON constant {constant}")


def strict(text: str | bytes) -> Any:
    """Parse like a strict JSON parser does: NaN, Infinity and -Infinity are errors."""
    return json.loads(text, parse_constant=_refuse)


@pytest.fixture
def infinite_rows(studies: dict[str, int]) -> int:
    """Rows written before the plausibility pass existed: infinities in a summary and an event."""
    Study.objects.filter(pk=studies["ct"]).update(total_dlp=math.inf)
    CtEvent.objects.filter(parent__parent_id=studies["ct"]).update(mean_ctdivol=-math.inf, dlp=math.nan)
    return studies["ct"]


def test_api_list_and_detail_are_strict(group_users: dict[str, User], infinite_rows: int) -> None:
    client = Client()
    client.force_login(group_users["viewgroup"])
    listed = strict(client.get("/api/ct/studies/").content)
    row = next(r for r in listed["results"] if r["pk"] == infinite_rows)
    assert row["total_dlp_mgycm"] is None
    detail = client.get(f"/api/ct/studies/{infinite_rows}/").content
    assert b"Infinity" not in detail and b"NaN" not in detail
    strict(detail)


def test_dump_reference_is_strict(infinite_rows: int) -> None:
    out = io.StringIO()
    call_command("dump", format="reference", stdout=out)
    assert "Infinity" not in out.getvalue() and "NaN" not in out.getvalue()
    strict(out.getvalue())


def test_dump_file_is_strict_and_shows_the_warnings(tmp_path: Path) -> None:
    path = tmp_path / "inf.dcm"
    path.write_bytes(hostile.infinite_values(0))
    out = io.StringIO()
    call_command("dump", str(path), stdout=out)
    body = strict(out.getvalue())
    event = body["record"]["ct_radiation_dose"][0]["events"][0]
    assert event["mean_ctdivol"] is None and event["dlp"] is None
    assert any("mean_ctdivol = inf mGy" in w for w in body["record"]["warnings"])


def test_helpers() -> None:
    assert finite({"a": [1.0, math.inf, {"b": -math.inf}], "c": (math.nan,)}) == {"a": [1.0, None, {"b": None}],
                                                                                  "c": [None]}
    assert dumps([math.nan, 2.5]) == "[null, 2.5]"
