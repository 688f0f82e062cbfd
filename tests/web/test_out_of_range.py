"""Ids and numbers in a request that no database column holds are a client error, never a server
error: SQLite refuses to bind an integer beyond 64 bits (``OverflowError``), whatever view reads it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

HUGE = "99999999999999999999999"


@pytest.fixture
def admin(group_users: dict[str, User]) -> Client:
    client = Client()
    client.force_login(group_users["admingroup"])
    return client


@pytest.mark.parametrize("url", [
    f"/config/display-names/edit/?pk={HUGE}", f"/config/display-names/edit/?pk=-{HUGE}",
    "/config/display-names/edit/?pk=9223372036854775808", f"/ct/{HUGE}/",
])
def test_get_with_an_id_beyond_64_bits(admin: Client, url: str, studies: Any) -> None:
    response = admin.get(url)
    assert response.status_code in (302, 400, 404), response.status_code  # refused, or no such record


@pytest.mark.parametrize("pks", [[HUGE], ["abc"], ["1", HUGE, "abc"]])
def test_post_deleting_records_with_ids_that_are_none(admin: Client, pks: list[str]) -> None:
    for url in ("/ptsize/imports/delete/", "/dicom/queries/delete/"):
        response = admin.post(url, {"pk": pks})
        assert response.status_code in (302, 400, 404), (url, response.status_code)
