"""Who may use each URL of the site: the source of truth for tests/web/test_permissions.py.

One entry per URL pattern name. ``kwargs``: sample URL arguments (``"<study>"`` is replaced by the
pk of a study of the right modality, ``"<equipment>"`` by an equipment pk); ``allowed``: the groups
whose single membership grants access ("anonymous" for public pages); ``methods``: what to try;
``ends_at_login``: the page itself sends everyone to the login page (logout), which is not a denial.
A test fails when a URL pattern has no entry here.
"""

from __future__ import annotations

from typing import Any

VIEWERS = {"viewgroup", "exportgroup", "pidgroup", "admingroup"}
ANY_USER = {"viewgroup", "exportgroup", "pidgroup", "importsizegroup", "importqrgroup", "admingroup"}

MATRIX: dict[str, dict[str, Any]] = {
    "home": {"kwargs": {}, "allowed": VIEWERS, "methods": ["GET"]},
    "login": {"kwargs": {}, "allowed": {"anonymous", *ANY_USER}, "methods": ["GET"]},
    "logout": {"kwargs": {}, "allowed": {"anonymous", *ANY_USER}, "methods": ["POST"], "ends_at_login": True},
    "password_change": {"kwargs": {}, "allowed": ANY_USER, "methods": ["GET"]},
    "password_change_done": {"kwargs": {}, "allowed": ANY_USER, "methods": ["GET"]},
    "study_list": {"kwargs": {"slug": "ct"}, "allowed": VIEWERS, "methods": ["GET"]},
    "study_detail": {"kwargs": {"slug": "ct", "pk": "<study>"}, "allowed": VIEWERS, "methods": ["GET"]},
    "study_delete": {"kwargs": {"pk": "<study>"}, "allowed": {"admingroup"}, "methods": ["GET"]},
}
