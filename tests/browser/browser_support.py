"""Constants and helpers of the browser tests (imported by the conftest and the test modules)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("OPENREM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "browser-test-pw"
GROUP_NAMES = ("viewgroup", "exportgroup", "pidgroup", "importsizegroup", "importqrgroup", "admingroup")

# Real sample files per modality slug (names in the shared dicom folder).
SAMPLES: dict[str, tuple[str, ...]] = {
    "ct": ("CT-RDSR-Siemens_Flash-TAP-SS.dcm", "CT-ESR-GE_VCT.dcm", "CT-RDSR-ToshibaPixelMed.dcm"),
    "rf": ("RF-RDSR-Philips_Allura.dcm", "RF-RDSR-Siemens-Zee.dcm"),
    "dx": ("DX-RDSR-Canon_CXDI.dcm", "DX-Im-GE_XR220-1.dcm"),
    "mg": ("MG-RDSR-Hologic_2D.dcm", "MG-Im-GE_Seno_1_ForPresentation.dcm"),
    "nm": ("NM-RRDSR-Siemens.dcm", "NM-PetIm-Siemens.dcm"),
}
MODALITY_TYPES = {"ct": ("CT",), "rf": ("RF",), "dx": ("DX", "CR", "PX"), "mg": ("MG",), "nm": ("NM", "PT")}

# Bootstrap 5.3 ``.btn-primary`` background: the proof that the static CSS really loaded.
BOOTSTRAP_PRIMARY = "rgb(13, 110, 253)"


def unavailable(reason: str) -> None:
    if os.environ.get("OPENREM_REQUIRE_ALL") == "1":
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


def shot(page: Page, name: str) -> Path:
    """Save a full-page PNG screenshot as ``test-artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_styled(page: Page) -> None:
    """Bootstrap's CSS and JS are loaded: computed styles come from bootstrap.min.css."""
    styles = page.evaluate(
        """() => {
            const probe = document.createElement('button');
            probe.className = 'btn btn-primary';
            document.body.appendChild(probe);
            const bg = getComputedStyle(probe).backgroundColor;
            probe.remove();
            return {
                button: bg,
                navbar: getComputedStyle(document.querySelector('nav.navbar')).display,
                bootstrapJs: typeof window.bootstrap !== 'undefined',
            };
        }"""
    )
    assert styles["button"] == BOOTSTRAP_PRIMARY, f"Bootstrap CSS not applied on {page.url}: {styles}"
    assert styles["navbar"] == "flex", f"navbar not styled on {page.url}: {styles}"
    assert styles["bootstrapJs"], f"bootstrap.bundle.min.js not loaded on {page.url}"


def row_pks(page: Page, slug: str) -> list[int]:
    """Study pks of the rows of the list table on ``page`` (from each row's detail link)."""
    hrefs = page.locator("#study-table tbody tr td:first-child a").evaluate_all("els => els.map(e => e.href)")
    pattern = re.compile(rf"/{slug}/(\d+)/$")
    return [int(m.group(1)) for h in hrefs if (m := pattern.search(h))]
