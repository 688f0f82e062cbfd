"""Every vendor fix a parser can apply is in the registry, and the docs list the registry."""

from __future__ import annotations

import re

from conftest import REPO
from openrem.dicom import fixes

SOURCE = REPO / "src" / "openrem" / "dicom"


def _names_in_code() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        found.update(re.findall(r"\.fixed\(\s*\"([a-z0-9_]+)\"", path.read_text(encoding="utf-8")))
    return found


def test_every_fix_applied_in_code_is_registered() -> None:
    names = _names_in_code()
    assert len(names) >= 15
    assert names <= set(fixes.FIXES), sorted(names - set(fixes.FIXES))


def test_every_registered_fix_is_applied_somewhere() -> None:
    assert set(fixes.FIXES) <= _names_in_code()


def test_lookup_by_manufacturer_and_model() -> None:
    names = {f.name for f in fixes.fixes_for("Philips Medical Systems", "AlluraXper FD20")}
    assert {"philips_xper_frames", "philips_allura_shutters", "philips_table_height"} <= names
    assert "philips_azurion_device_type" not in names
    assert "ct_modulation_type_from_comment" in {f.name for f in fixes.fixes_for("SIEMENS", "SOMATOM Force")}


def test_importing_docs_list_the_registry() -> None:
    docs = (REPO / "docs" / "importing.md").read_text(encoding="utf-8")
    assert fixes.markdown_table() in docs, "regenerate with: openrem fixes --markdown"
