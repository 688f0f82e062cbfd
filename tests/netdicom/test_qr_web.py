"""Query-retrieve pages: the form, the progress JSON, the summary pages, retrieve and delete."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openrem.netdicom.models import Query, QueryImage, QuerySeries, QueryStudy, RemoteNode, StoreNode

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def client_qr() -> Client:
    user = User.objects.create_user("qr", password="x")
    user.groups.add(Group.objects.get_or_create(name="importqrgroup")[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def nodes() -> tuple[RemoteNode, StoreNode]:
    return (RemoteNode.objects.create(name="pacs", remote_aet="PACS", port=_closed_port(), ip="127.0.0.1"),
            StoreNode.objects.create(name="store", aet="STORE", port=104))


def test_form_defaults_to_yesterday_and_menu(client_qr: Client) -> None:
    page = client_qr.get(reverse("dicom_query")).content.decode()
    assert (dt.date.today() - dt.timedelta(days=1)).isoformat() in page
    assert reverse("dicom_query_list") in page and "Query remote server" in page


def test_form_validation(client_qr: Client, nodes: tuple[RemoteNode, StoreNode]) -> None:
    node, store = nodes
    response = client_qr.post(reverse("dicom_query"), {"node": node.pk, "store": store.pk, "ignore_duplicates": "on"})
    assert response.status_code == 200 and "choose at least one modality" in response.content.decode()
    assert not Query.objects.exists()


def test_post_runs_query_task_and_progress_json(client_qr: Client, nodes: tuple[RemoteNode, StoreNode],
                                                django_capture_on_commit_callbacks: object) -> None:
    node, store = nodes
    data = {"node": node.pk, "store": store.pk, "modalities": ["CT", "DX"], "date_from": "2024-01-01",
            "desc_exclude": "imported", "ignore_duplicates": "on", "retrieve": "on"}
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client_qr.post(reverse("dicom_query"), data)
    query = Query.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("dicom_query_detail", args=[query.pk])
    assert query.parameters["modalities"] == ["CT", "DX"] and query.parameters["duplicates"] is False
    status = client_qr.get(reverse("dicom_query_status", args=[query.pk])).json()
    assert status["failed"] and "association" in status["errors"] and status["query_done"]
    assert query.query_task is not None
    query.refresh_from_db()
    assert query.query_task.status == "failed"  # type: ignore[union-attr]
    page = client_qr.get(reverse("dicom_query_detail", args=[query.pk])).content.decode()
    assert "qr-progress" in page and "association" in page


def _recorded(node: RemoteNode, store: StoreNode) -> Query:
    query = Query.objects.create(node=node, store=store, query_done=True, finished=timezone.now(),
                                 parameters={"modalities": ["DX"]}, stage="Query finished")
    study = QueryStudy.objects.create(query=query, study_instance_uid="1.2.3", modalities_in_study="DX\\SR",
                                      modality_group="DX", study_date="20240101")
    series = QuerySeries.objects.create(study=study, series_instance_uid="1.2.3.4", modality="DX", kept=False,
                                        reason="RDSR found: images not needed")
    QueryImage.objects.create(series=series, sop_instance_uid="1.2.3.4.5", kept=False, reason="series dropped")
    return query


def test_summary_pages(client_qr: Client, nodes: tuple[RemoteNode, StoreNode]) -> None:
    query = _recorded(*nodes)
    assert "Query finished" in client_qr.get(reverse("dicom_query_list")).content.decode()
    detail = client_qr.get(reverse("dicom_query_detail", args=[query.pk])).content.decode()
    assert "Retrieve" in detail and "DX\\SR" in detail
    study = query.studies.get()
    page = client_qr.get(reverse("dicom_query_study", args=[study.pk])).content.decode()
    assert "RDSR found: images not needed" in page and "1.2.3.4.5" in page


def test_retrieve_button_queues_move(client_qr: Client, nodes: tuple[RemoteNode, StoreNode],
                                     django_capture_on_commit_callbacks: object) -> None:
    query = _recorded(*nodes)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        client_qr.post(reverse("dicom_query_move", args=[query.pk]))
    query.refresh_from_db()
    assert query.move_requested and query.move_done and query.move_task is not None
    assert query.move_completed == 0  # nothing kept: no association needed


def test_delete_old_and_single(client_qr: Client, nodes: tuple[RemoteNode, StoreNode]) -> None:
    old, new = _recorded(*nodes), _recorded(*nodes)
    Query.objects.filter(pk=old.pk).update(started=timezone.now() - dt.timedelta(days=30))
    client_qr.post(reverse("dicom_query_delete"), {"days": "7"})
    assert list(Query.objects.values_list("pk", flat=True)) == [new.pk]
    client_qr.post(reverse("dicom_query_delete"), {"pk": new.pk})
    assert not Query.objects.exists() and not QueryStudy.objects.exists()


@pytest.mark.parametrize(("data", "words"), [
    ({"days": "-1"}, "must not be negative"),  # was taken as 0: every finished query deleted
    ({"pk": "\u00b2"}, "not a valid number"),  # str.isdigit() takes it, int() refuses it
    ({"pk": "\u0663"}, "not a valid number"),  # an Arabic-Indic 3 named query 3
])
def test_delete_with_a_value_that_names_no_age_or_query_deletes_nothing(
        client_qr: Client, nodes: tuple[RemoteNode, StoreNode], data: dict[str, str], words: str) -> None:
    kept = [_recorded(*nodes).pk for _ in range(3)]
    response = client_qr.post(reverse("dicom_query_delete"), data)
    assert response.status_code == 400 and words in response.content.decode()
    assert sorted(Query.objects.values_list("pk", flat=True)) == sorted(kept)
