"""The skin dose map on the fluoroscopy detail page: 2D map with tooltip and window, 3D phantom (WebGL).

Uses its own Chromium with software WebGL (SwiftShader) for the 3D view; fails on any JavaScript
error. Screenshots: test-artifacts/screenshots/rf-skin-dose-map.png and rf-skin-dose-map-3d.png.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, shot

WEBGL_ARGS = [a for a in CHROMIUM_ARGS if a != "--disable-gpu"] + [
    "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--ignore-gpu-blocklist"]


@pytest.fixture
def zee_study(transactional_db: Any, sample: Callable[[str], Path]) -> int:
    from openrem.dose.models import Study
    from openrem.dose.services import import_file
    from openrem.skinmaps.models import SafelistEntry, SkinMapSettings

    config = SkinMapSettings.get()
    config.calculate_on_import = False  # calculated when the page asks for it (first view)
    config.save()
    outcome = import_file(sample("RF-RDSR-Siemens-Zee.dcm"))
    assert not outcome.failed
    study = Study.objects.select_related("equipment").get(modality_type="RF")
    SafelistEntry.objects.create(manufacturer=study.equipment.manufacturer or "",
                                 model_name=study.equipment.manufacturer_model_name or "")
    return study.pk


def test_rf_detail_shows_the_skin_dose_map(playwright_instance: Any, live_server: Any, users: dict[str, Any],
                                           zee_study: int) -> None:
    from django.conf import settings
    from django.test import Client

    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=WEBGL_ARGS)
    try:
        ctx = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1400, "height": 900})
        ctx.set_default_timeout(90_000)  # plotly.min.js is 4.8 MB and the machine may be busy
        client = Client()
        client.force_login(users["viewgroup"])
        ctx.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        page = ctx.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
        page.on("console", lambda msg: problems.append(f"console error: {msg.text}")
                if msg.type == "error" and "favicon" not in (msg.location or {}).get("url", "") else None)
        response = page.goto(f"/rf/{zee_study}/")
        assert response is not None and response.status == 200
        page.wait_for_selector("#skin-dose-map[data-state=shown]")
        # information block: the calculated peak, the phantom, the sources
        peak = float(page.locator("#skinmap-peak").inner_text())
        assert peak == pytest.approx(1.666, abs=0.01)
        assert "assumed" in page.locator("#skinmap-height").inner_text()
        assert page.locator("#skinmap-orientation").inner_text() == "HFS (extracted)"
        # 2D map: heatmap drawn, region overlay on, colour bar present
        page.wait_for_selector("#skinmap-2d .heatmaplayer image, #skinmap-2d .hm image")
        assert page.locator("#skinmap-2d .colorbar").count() == 1
        assert "Posterior" in page.locator("#skinmap-2d .annotation-text").all_text_contents()
        # tooltip over the hottest cell
        page.locator("#skinmap-2d").scroll_into_view_if_needed()
        x, y = page.evaluate("""() => {
            const gd = document.getElementById('skinmap-2d'), z = gd.data[0].z;
            let best = [0, 0, -1];
            z.forEach((row, r) => row.forEach((v, c) => { if (v > best[2]) best = [c, r, v]; }));
            const fl = gd._fullLayout, box = gd.getBoundingClientRect();
            return [box.left + fl.xaxis._offset + fl.xaxis.l2p(best[0]), box.top + fl.yaxis._offset + fl.yaxis.l2p(best[1])];
        }""")
        page.mouse.move(x - 5, y - 5)
        page.mouse.move(x, y, steps=3)
        tip = page.wait_for_selector("#skinmap-2d .hoverlayer .hovertext")
        assert tip is not None and "mGy" in (tip.text_content() or "")
        # window level / width change the displayed range
        page.evaluate("""() => { const el = document.getElementById('skinmap-width');
            el.value = el.min; el.dispatchEvent(new Event('input')); }""")
        zmax = page.evaluate("() => document.getElementById('skinmap-2d').data[0].zmax")
        assert zmax < peak
        page.click("#skinmap-overlay")
        assert page.locator("#skinmap-2d .annotation").count() == 0
        page.click("#skinmap-overlay")
        page.click("#skinmap-reset")
        # 3D phantom: a WebGL scene with the two surfaces, no "WebGL not supported" notice
        page.wait_for_selector("#skinmap-3d .gl-container canvas")
        assert page.evaluate("() => document.getElementById('skinmap-3d').data.length") == 2
        assert "WebGL" not in page.locator("#skinmap-3d").inner_text()
        # PNG download of the 2D map
        with page.expect_download() as download:
            page.click("#skinmap-png-2d")
        assert download.value.suggested_filename.endswith(".png")
        page.wait_for_timeout(500)
        shot(page, "rf-skin-dose-map")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#skinmap-3d").screenshot(path=str(SCREENSHOTS / "rf-skin-dose-map-3d.png"))
        assert not problems, problems
    finally:
        browser.close()
