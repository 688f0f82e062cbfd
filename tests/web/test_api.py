"""The JSON API: lists with filters, ordering and paging, details, identifiers, access and hostile input."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from factories import ct_report, dx_image
from openrem.dose.ingest import ingest
from openrem.dose.models import PatientIDSettings, Study

pytestmark = pytest.mark.django_db

URLS = ("/api/modalities/", "/api/openapi.json", "/api/ct/studies/", "/api/ct/studies/{pk}/")


def store_ct(uid: str, events: int, description: str, day: dt.date, name: str, pid: str) -> int:
    """One CT study with ``events`` events of 100 mGy.cm each; returns its pk."""
    report = ct_report(uid, f"{uid}.1", [f"{uid}.e{i}" for i in range(events)])
    report = replace(report, study=replace(report.study, study_date=day, study_description=description),
                     patient=replace(report.patient, name=name, patient_id=pid))
    return ingest(report).study_pk


@pytest.fixture
def identifiers_stored(db: Any) -> None:
    """Store patient names and IDs in clear (the default stores neither)."""
    PatientIDSettings.objects.update_or_create(pk=1, defaults={
        "name_stored": True, "name_hashed": False, "id_stored": True, "id_hashed": False})


@pytest.fixture
def ct_four(identifiers_stored: None) -> dict[str, int]:
    """Four CT studies (1-4 events, January to April) and one DX study that must never be listed."""
    ingest(dx_image("8.9", "8.9.1", dt.datetime(2024, 5, 1, 9, 0), dap=0.001))
    return {
        "a": store_ct("8.1", 1, "CHEST", dt.date(2024, 1, 10), "Alpha^Ann", "ID-A"),
        "b": store_ct("8.2", 2, "HEAD", dt.date(2024, 2, 10), "Beta^Bob", "ID-B"),
        "c": store_ct("8.3", 3, "CHEST ABDO", dt.date(2024, 3, 10), "Gamma^Cy", "ID-C"),
        "d": store_ct("8.4", 4, "Head neck", dt.date(2024, 4, 10), "Delta^Di", "ID-D"),
    }


def client_for(users: dict[str, User], group: str) -> Client:
    client = Client()
    client.force_login(users[group])
    return client


def get_json(client: Client, url: str, expect: int = 200, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == expect, (url, params, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def pks(data: dict[str, Any]) -> list[int]:
    return [row["pk"] for row in data["results"]]


def test_list_default_order_and_row_keys(group_users: dict[str, User], ct_four: dict[str, int]) -> None:
    data = get_json(client_for(group_users, "viewgroup"), "/api/ct/studies/")
    assert data["count"] == 4 and data["page"] == 1 and data["pages"] == 1 and data["per_page"] == 25
    assert pks(data) == [ct_four[k] for k in "dcba"]  # newest first, the DX study is not listed
    row = data["results"][0]
    assert row["total_dlp_mgycm"] == pytest.approx(400.0)
    assert row["number_of_events"] == 4
    assert row["modality_type"] == "CT" and row["study_instance_uid"] == "8.4"
    assert row["study_datetime"].startswith("2024-04-10T") and row["description"] == "Head neck"
    assert row["display_name"] and "not_patient_indicator" in row


@pytest.mark.parametrize(("params", "expected"), [
    ({"study_description": "chest"}, "ca"),
    ({"study_description": "chest", "o": "dlp"}, "ac"),
    ({"study_description": "chest", "o": "-dlp"}, "ca"),
    ({"dlp_min": "250"}, "dc"),
    ({"dlp_max": "250", "o": "date"}, "ab"),
    ({"date_from": "2024-02-01", "date_until": "2024-03-31"}, "cb"),
    ({"o": "description"}, "acbd"),
    ({"events": "3"}, "c"),
    ({"study_description": "'; DROP TABLE dose_study; --"}, ""),
])
def test_list_filters_and_ordering(group_users: dict[str, User], ct_four: dict[str, int],
                                   params: dict[str, str], expected: str) -> None:
    data = get_json(client_for(group_users, "viewgroup"), "/api/ct/studies/", **params)
    assert pks(data) == [ct_four[k] for k in expected]
    assert data["count"] == len(expected)
    assert Study.objects.count() == 5  # hostile text did nothing to the table


def test_paging(group_users: dict[str, User], db: Any) -> None:
    made = {store_ct(f"7.{i}", 1, f"S{i}", dt.date(2024, 1, 1) + dt.timedelta(days=i), "N", "I")
            for i in range(12)}
    client = client_for(group_users, "viewgroup")
    first = get_json(client, "/api/ct/studies/", per_page="10")
    second = get_json(client, "/api/ct/studies/", per_page="10", page="2")
    assert (first["count"], first["pages"], len(first["results"])) == (12, 2, 10)
    assert (second["page"], len(second["results"])) == (2, 2)
    assert set(pks(first)) | set(pks(second)) == made and not set(pks(first)) & set(pks(second))
    for page in ("3", str(10**30)):  # past the end: empty, not the last page again
        past = get_json(client, "/api/ct/studies/", per_page="10", page=page)
        assert past["results"] == [] and past["count"] == 12 and past["pages"] == 2


@pytest.mark.parametrize("params", [
    {"page": "abc"}, {"page": "0"}, {"page": "-1"}, {"page": "1.5"}, {"page": "9" * 5000},
    {"per_page": "7"}, {"per_page": "1000"}, {"per_page": "abc"}, {"per_page": "0"},
    {"o": "bogus"}, {"o": "pk; DROP TABLE dose_study"}, {"o": "patient_name"},
    {"date_from": "2024-13-45"}, {"date_until": "yesterday"},
    {"dlp_min": "abc"}, {"dlp_min": "nan"}, {"dlp_max": "1e400"}, {"age_min": "1e20"},
    {"events": "999"}, {"study_description": "x" * 500}, {"test_data": "maybe"},
])
def test_hostile_parameters_give_400(group_users: dict[str, User], ct_four: dict[str, int],
                                     params: dict[str, str]) -> None:
    data = get_json(client_for(group_users, "viewgroup"), "/api/ct/studies/", expect=400, **params)
    assert data["status"] == 400 and data["error"]
    assert "fields" in data


def test_unknown_modality_and_study_give_404(group_users: dict[str, User], ct_four: dict[str, int]) -> None:
    client = client_for(group_users, "viewgroup")
    assert get_json(client, "/api/xx/studies/", expect=404)["status"] == 404
    assert get_json(client, "/api/xx/studies/1/", expect=404)["status"] == 404
    dx_pk = Study.objects.get(modality_type="DX").pk
    get_json(client, f"/api/ct/studies/{dx_pk}/", expect=404)  # a study of another modality
    get_json(client, f"/api/ct/studies/{10**30}/", expect=404)  # beyond any database integer


@pytest.mark.parametrize("url", ["/api/nothing/", "/api/ct/", "/api/ct/studies/abc/", "/api/charts/",
                                 "/api/charts/ct/x/y/"])
def test_an_address_that_is_no_api_endpoint_is_a_json_404(group_users: dict[str, User], url: str) -> None:
    for client in (client_for(group_users, "viewgroup"), Client()):  # logged in or not
        data = get_json(client, url, expect=404)
        assert data["status"] == 404 and data["error"]


def test_a_missing_web_page_is_still_a_page(group_users: dict[str, User]) -> None:
    response = client_for(group_users, "viewgroup").get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_identifiers_only_for_pidgroup(group_users: dict[str, User], ct_four: dict[str, int]) -> None:
    viewer = client_for(group_users, "viewgroup")
    rows = get_json(viewer, "/api/ct/studies/")["results"]
    assert all("patient_name" not in row and "patient_id" not in row for row in rows)
    assert "Alpha" not in json.dumps(rows) and "ID-A" not in json.dumps(rows)
    # the identifier filters do not exist for a viewer: ignored, all four studies listed
    assert get_json(viewer, "/api/ct/studies/", patient_name="alpha")["count"] == 4
    detail = get_json(viewer, f"/api/ct/studies/{ct_four['a']}/")
    assert "patient_name" not in detail["patient"] and "Alpha" not in json.dumps(detail)

    pid = client_for(group_users, "pidgroup")
    data = get_json(pid, "/api/ct/studies/", patient_name="alpha")
    assert pks(data) == [ct_four["a"]]
    assert data["results"][0]["patient_name"] == "Alpha^Ann"
    assert pks(get_json(pid, "/api/ct/studies/", patient_id="ID-C")) == [ct_four["c"]]
    assert get_json(pid, f"/api/ct/studies/{ct_four['b']}/")["patient"]["patient_id"] == "ID-B"


def test_anonymous_gets_401_and_non_viewers_403(group_users: dict[str, User], studies: dict[str, int]) -> None:
    for template in URLS:
        url = template.format(pk=studies["ct"])
        response = Client().get(url)
        assert response.status_code == 401 and json.loads(response.content)["status"] == 401
        for group in ("importsizegroup", "importqrgroup"):
            data = get_json(client_for(group_users, group), url, expect=403)
            assert data["status"] == 403
        for group in ("viewgroup", "exportgroup", "pidgroup", "admingroup"):
            get_json(client_for(group_users, group), url)


def test_only_get_is_allowed(group_users: dict[str, User], studies: dict[str, int]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(group_users["viewgroup"])
    for template in URLS:
        url = template.format(pk=studies["ct"])
        for method in (client.post, client.put, client.patch, client.delete):
            response = method(url)
            assert response.status_code == 405, (url, method)
            assert response["Allow"] == "GET" and json.loads(response.content)["status"] == 405
    assert Study.objects.filter(pk=studies["ct"]).exists()


@pytest.mark.parametrize(("slug", "keys"), [
    ("ct", {"total_dlp_mgycm", "number_of_events"}),
    ("rf", {"total_dap_gym2", "total_rp_dose_a_gy"}),
    ("dx", {"total_dap_gym2"}),
    ("mg", {"total_agd_left_mgy", "total_agd_right_mgy"}),
    ("nm", {"total_administered_activity_mbq"}),
])
def test_summary_keys_carry_units(group_users: dict[str, User], studies: dict[str, int], slug: str,
                                  keys: set[str]) -> None:
    rows = get_json(client_for(group_users, "viewgroup"), f"/api/{slug}/studies/")["results"]
    assert [row["pk"] for row in rows] == [studies[slug]]
    assert keys <= set(rows[0])
    assert not {"total_dlp", "total_dap", "total_agd_left"} & set(rows[0])  # never a bare unit-less key


def test_list_query_count_does_not_grow_with_page_size(group_users: dict[str, User], db: Any,
                                                      django_assert_max_num_queries: Any) -> None:
    for i in range(30):
        store_ct(f"6.{i}", 1, "Q", dt.date(2024, 1, 1), "N", "I")
    client = client_for(group_users, "pidgroup")
    for per_page in ("10", "400"):
        # 6 for the list, plus the session refresh that makes sessions expire when idle (SESSION_SAVE_EVERY_REQUEST)
        with django_assert_max_num_queries(8):
            data = get_json(client, "/api/ct/studies/", per_page=per_page, study_description="q", o="-dlp")
        assert len(data["results"]) == min(30, int(per_page))
