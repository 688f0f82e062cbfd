"""Study detail pages: real sample files render with values read back from the database."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from factories import rf_report
from openrem.dose import treeio
from openrem.dose.ingest import ingest
from openrem.dose.models import Study
from openrem.dose.models.tree import (
    AccumMammography,
    AccumProjection,
    CtDoseCheck,
    CtEvent,
    OrganDose,
    PetSeries,
    ProjectionEvent,
)
from openrem.dose.services import import_file
from openrem.modalities.units import format_quantity as q
from openrem.web import detail_data
from openrem.web.humanize import nuclide, person_name, vendor_fix
from openrem.web.templatetags.openrem import fmt

pytestmark = pytest.mark.django_db

Sample = Callable[[str], Path]


def _load(sample: Sample, *names: str) -> Study:
    """Import the sample files; the study of the last one."""
    outcome = None
    for name in names:
        outcome = import_file(sample(name))
        assert not outcome.failed, outcome.line()
    assert outcome is not None and outcome.study_pk is not None
    return Study.objects.get(pk=outcome.study_pk)


def _slug(study: Study) -> str:
    return {"CT": "ct", "RF": "rf", "DX": "dx", "CR": "dx", "PX": "dx", "MG": "mg", "NM": "nm"}[
        str(study.modality_type)]


def _page(client: Client, study: Study, slug: str | None = None) -> str:
    response = client.get(reverse("study_detail", args=[slug or _slug(study), study.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _element(html: str, element_id: str) -> str:
    """The HTML of the table (or other element) with ``id``."""
    match = re.search(rf'<(\w+)[^>]*id="{element_id}".*?</\1>', html, re.S)
    assert match, f"no element #{element_id}"
    return match.group(0)


def _rows(table: str) -> list[str]:
    body = table.split("<tbody>", 1)[1] if "<tbody>" in table else table
    return re.findall(r"<tr.*?</tr>", body, re.S)


# ----------------------------------------------------------------------------- fluoroscopy


@pytest.mark.shared
@pytest.mark.parametrize("name", ["RF-RDSR-Philips_Allura.dcm", "RF-RDSR-Siemens-Zee.dcm"])
def test_rf_detail_shows_plane_totals_summary_and_events(viewer: Client, sample: Sample, name: str) -> None:
    study = _load(sample, name)
    html = _page(viewer, study)
    acc = AccumProjection.objects.filter(parent__parent__parent=study)
    assert acc.exists()
    planes = _element(html, "rf-planes")
    for row in acc:
        assert q(row.dose_area_product_total, "dap") in planes  # Gy.m2 shown as cGy.cm2
        assert q(row.dose_rp_total, "rp_dose") in planes  # Gy shown as mGy
        assert q(row.total_fluoro_time, "time_s") in planes
    events = ProjectionEvent.objects.filter(parent__parent=study)
    table = _element(html, "rf-events")
    assert len(_rows(table)) == events.count() == study.number_of_events
    for event in events:
        assert q(event.dose_area_product, "dap") in table
        assert escape(event.irradiation_event_type).lower() in table.lower()
    summary = _element(html, "rf-summary")
    total_row = _rows(summary)[-1]
    assert "summary-total" in total_row
    assert f">{events.count()}<" in total_row
    fluoro = events.filter(irradiation_event_type_code__in=["44491008|SCT", "P5-06000|SRT"]).count()
    if fluoro:
        fluoro_row = next(r for r in _rows(summary) if "Fluoroscopy" in r)
        assert f">{fluoro}<" in fluoro_row
    assert "Duration" in table and "Exposure time" in table and "(s)" in table and "(ms)" not in table.split("Pulse width")[0]


def test_rf_high_dose_values_get_the_highlight_class(viewer: Client) -> None:
    high = ingest(rf_report("7.1", "7.1.1", dap=0.03)).study_pk  # 30000 cGy.cm2
    low = ingest(rf_report("7.2", "7.2.1", dap=0.002)).study_pk  # 2000 cGy.cm2
    high_html = _page(viewer, Study.objects.get(pk=high))
    low_html = _page(viewer, Study.objects.get(pk=low))
    # study-level highlighting (alert levels of openrem.alerts): study totals, never single events
    assert "dose-high" not in _element(high_html, "rf-events")
    assert "dose-high" in _element(high_html, "rf-planes")
    assert "dose-high" in _rows(_element(high_html, "rf-summary"))[-1]
    assert "dose-high" not in _element(low_html, "rf-planes")
    assert "dose-high" not in _element(low_html, "rf-summary")


def test_irradiation_summary_groups_by_type_and_plane() -> None:
    rows = [
        {"event": _event("44491008", "SCT"), "plane": "Plane A", "dap": 10e-6, "rp_dose": 0.1, "duration_s": 1.0},
        {"event": _event("44491008", "SCT"), "plane": "Plane B", "dap": 5e-6, "rp_dose": None, "duration_s": 0.5},
        {"event": _event("113611", "DCM", "Stationary Acquisition"), "plane": "Plane A", "dap": 0.025,
         "rp_dose": 2.5, "duration_s": None},
    ]
    summary = detail_data.irradiation_summary(rows)
    kinds = [(s["type"], s["plane"], s["count"], s["total"]) for s in summary]
    assert kinds == [("Fluoroscopy", "Plane A", 1, False), ("Fluoroscopy", "Plane B", 1, False),
                     ("Stationary acquisition", "Plane A", 1, False),
                     ("", "Plane A", 2, True), ("", "Plane B", 1, True), ("", "", 3, True)]
    overall = summary[-1]
    assert overall["dap"] == pytest.approx(0.025015) and overall["rp_dose"] == 2.6 and overall["duration_s"] == 1.5
    assert overall["dap_high"] and overall["rp_high"]
    assert not summary[0]["dap_high"]


def _event(code: str, scheme: str, meaning: str = "Fluoroscopy") -> Any:
    from openrem.dicom import records as r

    return r.ProjectionEvent(irradiation_event_uid="1", irradiation_event_type=r.Coded(code, scheme, meaning))


# ----------------------------------------------------------------------------- CT


@pytest.mark.shared
def test_ct_detail_shows_events_and_highlighted_dose_check_alerts(viewer: Client, sample: Sample) -> None:
    study = _load(sample, "CT-RDSR-Toshiba_DoseCheck.dcm")
    html = _page(viewer, study)
    table = _element(html, "ct-events")
    events = CtEvent.objects.filter(parent__parent=study)
    assert events.exists()
    for event in events:
        assert q(event.dlp, "dlp") in table and q(event.mean_ctdivol, "ctdivol") in table
        assert escape(event.acquisition_protocol) in table
    checks = CtDoseCheck.objects.filter(parent__parent__parent=study)
    assert checks.exists()
    for check in checks:
        assert escape(person_name(check.alert_person_name)) in table
        assert q(check.dlp_alert_value, "dlp") in table
        assert q(check.accumulated_dlp_forward_estimate, "dlp") in table
    assert "dose-alert" in table and "table-danger" in table
    assert q(study.total_dlp, "dlp") in _element(html, "ct-totals")


@pytest.mark.shared
def test_ct_detail_without_exceeded_check_is_not_highlighted(viewer: Client, sample: Sample) -> None:
    study = _load(sample, "CT-RDSR-Siemens_Flash-QA-DS.dcm")
    table = _element(_page(viewer, study), "ct-events")
    events = CtEvent.objects.filter(parent__parent=study).prefetch_related("ctxraysource_set")
    assert len([r for r in _rows(table) if "dose-check" not in r]) == events.count()
    for event in events:
        for source in event.ctxraysource_set.all():
            assert f"{fmt(source.kvp, 3)} kV / {fmt(source.xray_tube_current, 3)} mA" in table
    assert "dose-alert" not in table


@pytest.mark.shared
def test_ct_and_nm_studies_of_one_study_uid_link_to_each_other(viewer: Client, sample: Sample) -> None:
    ct = _load(sample, "NM-CT-RDSR-Siemens.dcm")
    nm = _load(sample, "NM-PetIm-Siemens.dcm", "NM-RRDSR-Siemens.dcm")
    assert ct.study_instance_uid == nm.study_instance_uid and ct.modality_type == "CT" and nm.modality_type == "NM"
    assert reverse("study_detail", args=["nm", nm.pk]) in _page(viewer, ct)
    assert reverse("study_detail", args=["ct", ct.pk]) in _page(viewer, nm)


# ----------------------------------------------------------------------------- NM


@pytest.mark.shared
def test_nm_detail_shows_administration_organ_doses_and_pet_series(viewer: Client, sample: Sample) -> None:
    study = _load(sample, "NM-PetIm-Siemens.dcm", "NM-PetIm-Siemens-2.dcm", "NM-RRDSR-Siemens.dcm")
    html = _page(viewer, study)
    records = treeio.study_trees_records(study)["radiopharmaceutical_radiation_dose"]
    admin = records[0].administrations[0]
    assert q(admin.administered_activity, "activity") in html
    assert escape(nuclide(admin.radionuclide.meaning)) in html and "^" not in html
    assert fmt(admin.radionuclide_half_life) in html
    organs = OrganDose.objects.filter(parent__parent__parent=study)
    assert organs.exists()
    for organ in organs:
        assert escape(organ.finding_site) in html
    series = PetSeries.objects.filter(parent__parent=study)
    assert series.exists()
    for s in series:
        assert s.series_uid in html


# ----------------------------------------------------------------------------- MG and DX


@pytest.mark.shared
def test_mg_detail_shows_breast_totals_and_exposures(viewer: Client, sample: Sample) -> None:
    study = _load(sample, "MG-RDSR-Hologic_2D.dcm")
    html = _page(viewer, study)
    totals = _element(html, "mg-totals")
    assert q(study.total_agd_left, "agd") in totals and q(study.total_agd_right, "agd") in totals
    for acc in AccumMammography.objects.filter(parent__parent__parent=study):
        assert q(acc.accumulated_average_glandular_dose, "agd") in html
    table = _element(html, "mg-events")
    events = ProjectionEvent.objects.filter(parent__parent=study)
    assert len(_rows(table)) == events.count() == 2
    for event in events:
        assert q(event.average_glandular_dose, "agd") in table
        assert fmt(event.compression_thickness, 3) in table
        assert fmt(sum(event.exposure_uAs) / 1000, 3) in table  # mAs from the stored uAs
        assert escape(event.laterality) in table and escape(event.image_view) in table


@pytest.mark.shared
def test_dx_detail_shows_exposure_index_and_dap(viewer: Client, sample: Sample) -> None:
    study = _load(sample, "DX-RDSR-Carestream_DRXEvolution.dcm")
    html = _page(viewer, study)
    table = _element(html, "dx-events")
    events = ProjectionEvent.objects.filter(parent__parent=study)
    assert len(_rows(table)) == events.count() == study.number_of_events
    for event in events:
        assert fmt(event.exposure_index) in table and fmt(event.deviation_index, 3) in table
        assert q(event.dose_area_product, "dap") in table
        assert escape(event.acquisition_protocol) in table
    assert q(study.total_dap, "dap") in _element(html, "dx-totals")


# ----------------------------------------------------------------------------- every page


@pytest.mark.shared
def test_processed_objects_warnings_and_fixes_are_listed(viewer: Client, sample: Sample) -> None:
    study = _load(sample, "RF-RDSR-Philips_Allura.dcm")
    html = _page(viewer, study)
    objects = _element(html, "processed-objects")
    for obj in study.processed_objects.all():
        assert obj.sop_instance_uid in objects and escape(obj.source_name) in objects
    assert study.vendor_fixes
    for fix in study.vendor_fixes:  # as a sentence, not the internal name
        assert escape(vendor_fix(fix)) in html and fix not in html


def test_study_of_another_modality_is_404(viewer: Client, studies: dict[str, int]) -> None:
    for slug, pk in studies.items():
        assert viewer.get(reverse("study_detail", args=[slug, pk])).status_code == 200
        for other in ("ct", "rf", "dx", "mg", "nm"):
            if other != slug:
                assert viewer.get(reverse("study_detail", args=[other, pk])).status_code == 404
    assert viewer.get("/nosuch/1/").status_code == 404
    assert viewer.get("/ct/99999999999999999999999999/").status_code == 404


def test_detail_needs_a_viewing_group(group_users: dict[str, User], studies: dict[str, int]) -> None:
    url = reverse("study_detail", args=["rf", studies["rf"]])
    assert Client().get(url).status_code == 302
    client = Client()
    client.force_login(group_users["importsizegroup"])
    assert client.get(url).status_code == 403


def test_patient_identifiers_only_for_pidgroup(group_users: dict[str, User], studies: dict[str, int]) -> None:
    Study.objects.filter(pk=studies["ct"]).update(patient_id="PID-4711")  # stored only when the settings allow
    study = Study.objects.get(pk=studies["ct"])
    shown = Client()
    shown.force_login(group_users["pidgroup"])
    hidden = Client()
    hidden.force_login(group_users["viewgroup"])
    assert "PID-4711" in _page(shown, study)
    assert "PID-4711" not in _page(hidden, study)


def test_test_patient_indicator_is_shown(viewer: Client, studies: dict[str, int]) -> None:
    study = Study.objects.get(pk=studies["dx"])
    assert "Possible test patient" not in _page(viewer, study)
    Study.objects.filter(pk=study.pk).update(not_patient_indicator="IDs: phy")
    html = _page(viewer, Study.objects.get(pk=study.pk))
    assert "Possible test patient" in html and "IDs: phy" in html


# ----------------------------------------------------------------------------- bounded queries


def _queries(client: Client, study: Study) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _page(client, study)
    return len(ctx.captured_queries)


@pytest.mark.shared
def test_query_count_does_not_grow_with_events(viewer: Client, sample: Sample,
                                               django_assert_max_num_queries: Any) -> None:
    small = _load(sample, "RF-RDSR-Philips_Allura.dcm")
    big = _load(sample, "RF-Pat-Orientation-Modifier-Missing.dcm")
    dx = _load(sample, "DX-RDSR-Carestream_DRXEvolution.dcm")
    assert big.number_of_events == 316 and small.number_of_events < 10
    _page(viewer, small)  # warm the session and group caches
    counts = {s.number_of_events: _queries(viewer, s) for s in (small, big)}
    assert counts[small.number_of_events] == counts[316], counts
    ct_small = _load(sample, "CT-RDSR-Toshiba_DoseCheck.dcm")  # CT events have child tables (sources, checks)
    ct_big = _load(sample, "CT-ESR-GE_VCT.dcm")
    assert (ct_small.number_of_events or 0) < 5 < (ct_big.number_of_events or 0)
    assert _queries(viewer, ct_small) == _queries(viewer, ct_big)
    for study in (small, big, dx, ct_small, ct_big):
        with django_assert_max_num_queries(22):  # + the display preferences and patient ID settings
            _page(viewer, study)


@pytest.mark.shared
def test_prefetching_reader_matches_the_reference_reader(sample: Sample) -> None:
    for names in (["RF-RDSR-Siemens-Zee.dcm"], ["CT-RDSR-Toshiba_DoseCheck.dcm"], ["MG-RDSR-Hologic_2D.dcm"],
                  ["NM-PetIm-Siemens.dcm", "NM-RRDSR-Siemens.dcm"]):
        study = _load(sample, *names)
        assert detail_data.load_trees(study) == treeio.study_trees_records(study)
