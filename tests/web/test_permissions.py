"""Every URL pattern is in the permission matrix, and the server enforces it for every group."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from permission_matrix import MATRIX, config_placeholder

from openrem.dose.models import UniqueEquipment
from openrem.web.access import GROUPS

pytestmark = pytest.mark.django_db


def _names(patterns: list[Any], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":  # Django admin: staff only, checked below
                continue
            names |= _names(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern):
            if p.name is None:
                raise AssertionError(f"URL pattern {p.pattern} has no name, so it cannot be in the matrix")
            names.add(f"{namespace}:{p.name}" if namespace else p.name)
    return names


def test_every_url_pattern_has_a_matrix_entry() -> None:
    missing = _names(get_resolver().url_patterns) - set(MATRIX)
    assert not missing, f"URL patterns without a permission matrix entry: {sorted(missing)}"


def _kwargs(entry: dict[str, Any], studies: dict[str, int]) -> dict[str, Any]:
    out = {}
    slug = entry["kwargs"].get("slug", "ct")
    for key, value in entry["kwargs"].items():
        if value == "<study>":
            value = studies[slug if slug in studies else "ct"]
        elif value == "<equipment>":
            value = UniqueEquipment.objects.order_by("pk").first().pk  # type: ignore[union-attr]
        else:
            value = config_placeholder(value)
        out[key] = value
    return out


def _denied(response: Any, anonymous: bool, entry: dict[str, Any]) -> bool:
    if response.status_code in (401, 403):
        return True
    to_login = response.status_code == 302 and "/login/" in response.get("Location", "")
    return anonymous and to_login and not entry.get("ends_at_login")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_matrix(name: str, group_users: dict[str, User], studies: dict[str, int]) -> None:
    entry = MATRIX[name]
    url = reverse(name, kwargs=_kwargs(entry, studies))
    who: list[tuple[str, User | None]] = [("anonymous", None), *((g, group_users[g]) for g in GROUPS)]
    for label, user in who:
        for method in entry["methods"]:
            client = Client()
            if user is not None:
                client.force_login(user)
            response = client.get(url) if method == "GET" else client.post(url, entry.get("data", {}))
            assert response.status_code < 500, (name, label, method, response.status_code)
            allowed = label in entry["allowed"]
            assert _denied(response, user is None, entry) != allowed, (
                f"{method} {url} as {label}: status {response.status_code}, expected "
                f"{'allowed' if allowed else 'denied'}")


def test_admin_site_is_staff_only(group_users: dict[str, User]) -> None:
    for user in group_users.values():
        client = Client()
        client.force_login(user)
        assert client.get("/admin/").status_code == 302  # to the admin login: not staff
    assert Client().get("/admin/").status_code == 302
