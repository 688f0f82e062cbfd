"""Fixtures for the web tests: one user per permission group and a study of each modality."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dose"))  # the record factories
sys.path.insert(0, str(Path(__file__).resolve().parent))  # permission_matrix

from factories import LEFT, ct_report, dx_image, mg_image, nm_report, rf_report  # noqa: E402
from openrem.web.access import GROUPS  # noqa: E402


@pytest.fixture
def group_users(db: Any) -> dict[str, User]:
    """One user per group, member of that group only (no password: tests use force_login)."""
    users = {}
    for name in GROUPS:
        user = User.objects.create(username=f"user-{name}")
        user.groups.add(Group.objects.get_or_create(name=name)[0])
        users[name] = user
    return users


@pytest.fixture
def viewer(group_users: dict[str, User]) -> Client:
    """A test client logged in as a member of the view group only."""
    client = Client()
    client.force_login(group_users["viewgroup"])
    return client


@pytest.fixture
def studies(db: Any) -> dict[str, int]:
    """Study pks keyed by modality slug (CT, DX and MG from records)."""
    from openrem.dose.ingest import ingest

    when = dt.datetime(2024, 5, 1, 9, 0)
    return {
        "ct": ingest(ct_report("9.1", "9.1.1", ["e1", "e2"])).study_pk,
        "dx": ingest(dx_image("9.2", "9.2.1", when, dap=0.0002)).study_pk,
        "mg": ingest(mg_image("9.3", "9.3.1", when, 1.2, LEFT)).study_pk,
        "rf": ingest(rf_report("9.4", "9.4.1")).study_pk,
        "nm": ingest(nm_report("9.5", "9.5.1")).study_pk,
    }


@pytest.fixture(autouse=True)
def _default_language_after_each_test() -> Any:
    """A request in Spanish leaves Spanish active in this thread; the next test starts in the default."""
    yield
    from django.utils import translation

    translation.deactivate()
