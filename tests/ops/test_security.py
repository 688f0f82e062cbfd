"""Security in production: TLS behind a proxy, login throttling, password rules, CSP, 500s logged."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client, override_settings
from django.urls import path, reverse

from openrem.netdicom.models_query import Query

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """The test's own logins need no slow key stretching."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PASSWORD = "Correct-Horse-Battery-9"


@pytest.fixture
def viewer() -> User:
    user = User.objects.create_user("dr-physicist", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="viewgroup")[0])
    return user


def _login(client: Client, password: str, **extra: Any) -> Any:
    client.get(reverse("login"), **extra)
    token = client.cookies["csrftoken"].value
    return client.post(reverse("login"), {"username": "dr-physicist", "password": password,
                                          "csrfmiddlewaretoken": token}, **extra)


PROXY = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "dose.example", "HTTP_ORIGIN": "https://dose.example",
         "HTTP_REFERER": "https://dose.example/login/"}
TLS_SETTINGS = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
                "CSRF_TRUSTED_ORIGINS": ["https://dose.example"], "SESSION_COOKIE_SECURE": True,
                "CSRF_COOKIE_SECURE": True, "ALLOWED_HOSTS": ["dose.example"], "SECURE_HSTS_SECONDS": 31536000}


def test_login_through_a_tls_terminating_proxy(viewer: User) -> None:
    with override_settings(**TLS_SETTINGS):
        client = Client(enforce_csrf_checks=True)
        response = _login(client, PASSWORD, **PROXY)
        assert response.status_code == 302 and response["Location"] == reverse("home")
        assert client.cookies["sessionid"]["secure"]
        home = client.get(reverse("home"), **PROXY)
        assert home.status_code == 200
        assert home["Strict-Transport-Security"].startswith("max-age=31536000")


def test_without_the_proxy_setting_the_same_login_is_refused(viewer: User) -> None:
    """Shows what the proxy settings fix: the https Origin does not match a plain-http request."""
    with override_settings(**{**TLS_SETTINGS, "SECURE_PROXY_SSL_HEADER": None, "CSRF_TRUSTED_ORIGINS": []}):
        response = _login(Client(enforce_csrf_checks=True), PASSWORD, **PROXY)
        assert response.status_code == 403


def test_the_eleventh_wrong_password_is_throttled(viewer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "wrong-password")
        assert response.status_code == 200  # the form again, with an error
    response = _login(client, "wrong-password")
    assert response.status_code == 429
    response = _login(client, PASSWORD)  # the right password no longer logs in
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert b"Too many failed logins" in response.content


def test_a_few_wrong_passwords_do_not_lock_out(viewer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    for _ in range(3):
        _login(client, "wrong-password")
    assert _login(client, PASSWORD).status_code == 302


@pytest.mark.parametrize("weak", ["a", "password123", "12345678901", "dr-physicist1"])
def test_a_weak_password_is_refused(viewer: User, weak: str) -> None:
    client = Client()
    client.force_login(viewer)
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": weak,
                                                         "new_password2": weak})
    assert response.status_code == 200  # the form again
    viewer.refresh_from_db()
    assert viewer.check_password(PASSWORD)


def test_sessions_expire_when_idle() -> None:
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE <= 24 * 3600


def test_pages_carry_a_content_security_policy(viewer: User) -> None:
    client = Client()
    client.force_login(viewer)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "http:" not in policy and "https:" not in policy  # nothing from other hosts


@pytest.fixture
def qr_admin() -> Client:
    user = User.objects.create_user("qr-admin")
    user.groups.add(Group.objects.get_or_create(name="admingroup")[0])
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("data", [{"pk": "abc"}, {"days": "99999999999999"}, {"days": "-5"}, {"days": "ten"}])
def test_query_delete_with_bad_values_is_not_a_server_error(qr_admin: Client, data: dict[str, str]) -> None:
    Query.objects.all().delete()
    response = qr_admin.post(reverse("dicom_query_delete"), data)
    assert 300 <= response.status_code < 500


def test_import_post_with_a_bad_content_length_is_a_client_error() -> None:
    from openrem.httpimport.models import ImportToken

    token = ImportToken.issue("probe")[1]
    headers = {"CONTENT_LENGTH": "abc", "CONTENT_TYPE": "application/json", "HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = Client().generic("POST", reverse("import_orthanc"), b'{"path": "/x"}', **headers)
    assert 400 <= response.status_code < 500


def _broken_view(request: Any) -> Any:
    raise RuntimeError(f"deliberate failure {request.GET['marker']}")


urlpatterns = [path("broken/", _broken_view)]


@override_settings(ROOT_URLCONF=__name__)
def test_an_error_inside_a_view_is_logged_with_its_traceback() -> None:
    marker = uuid.uuid4().hex
    response = Client(raise_request_exception=False).get("/broken/", {"marker": marker})
    assert response.status_code == 500
    text = (Path(settings.LOG_ROOT) / "openrem.log").read_text(encoding="utf-8")
    assert f"deliberate failure {marker}" in text
    logged = text[text.rindex("Internal Server Error: /broken/"):]
    assert "Traceback (most recent call last)" in logged and "_broken_view" in logged
