"""Production safety: the secret key, refusal of unsafe settings, TLS behind a proxy (no Django imports).

``OPENREM_PRODUCTION=1`` (set by the systemd units, the Docker image and ``.env.prod``) turns the
checks of :func:`unsafe_settings` into a refusal to start: every entry point (gunicorn, the worker,
the store SCP, management commands) loads the settings, so none of them runs on an unsafe
configuration. Outside production mode a missing ``SECRET_KEY`` is replaced by a random key kept in
``$OPENREM_DATA/secret_key`` (mode 0600), so no key is ever written in the source.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MIN_SECRET_KEY_LENGTH = 50
# Placeholders that documentation or templates suggest; a key equal to one of these is refused.
PLACEHOLDER_KEYS = frozenset({
    "change-me-to-a-long-random-string",
    "change-me",
    "changeme",
    "secret",
    "insecure-development-key-set-SECRET_KEY-in-production",
})


class UnsafeConfiguration(Exception):
    """Raised by :func:`refuse_unsafe` with one line per unsafe setting."""


def secret_key(env: Mapping[str, str], data_dir: Path, production: bool) -> str:
    """``SECRET_KEY`` from the environment; outside production a generated key kept in ``data_dir``.

    In production an absent key stays empty so that :func:`unsafe_settings` refuses it.
    """
    key = (env.get("SECRET_KEY") or "").strip()
    if key or production:
        return key
    key_file = data_dir / "secret_key"
    try:
        return key_file.read_text().strip() or _write_key(key_file)
    except FileNotFoundError:
        return _write_key(key_file)


def _write_key(key_file: Path) -> str:
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
    return key


def unsafe_settings(values: Mapping[str, Any]) -> list[str]:
    """Messages, one per unsafe production setting, for the settings given as a mapping.

    Keys read: ``DEBUG``, ``SECRET_KEY``, ``ALLOWED_HOSTS``, and ``FOLDERS`` (name -> path of
    MEDIA_ROOT, STATIC_ROOT, LOG_ROOT: each must exist and be writable, STATIC_ROOT readable).
    """
    problems: list[str] = []
    if values.get("DEBUG"):
        problems.append("DEBUG is on: set DEBUG=0 in production (it shows settings and tracebacks to users)")
    key = str(values.get("SECRET_KEY") or "")
    if not key:
        problems.append("SECRET_KEY is not set: set a random key of at least "
                        f"{MIN_SECRET_KEY_LENGTH} characters")
    elif key in PLACEHOLDER_KEYS:
        problems.append("SECRET_KEY is a default placeholder: set a random key of your own")
    elif len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5:
        problems.append(f"SECRET_KEY is too short or too simple: use at least {MIN_SECRET_KEY_LENGTH} "
                        "random characters")
    if not [h for h in values.get("ALLOWED_HOSTS") or [] if h.strip()]:
        problems.append("DJANGO_ALLOWED_HOSTS is empty: list the host names the server answers to")
    for name, folder in (values.get("FOLDERS") or {}).items():
        path = Path(folder)
        if not path.is_dir():
            problems.append(f"{name} folder {folder} does not exist: create it (owned by the OpenREM user)")
        elif not os.access(path, os.W_OK):
            problems.append(f"{name} folder {folder} is not writable by this user")
    return problems


def refuse_unsafe(values: Mapping[str, Any]) -> None:
    """Raise :class:`UnsafeConfiguration` listing every unsafe setting (production mode)."""
    problems = unsafe_settings(values)
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise UnsafeConfiguration(f"OpenREM refuses to start in production mode (OPENREM_PRODUCTION=1):\n{lines}")


def tls_settings(env: Mapping[str, str], truthy: Any) -> dict[str, Any]:
    """Settings for HTTPS, directly or behind a TLS-terminating proxy.

    ``OPENREM_TLS=1``: secure session and CSRF cookies, HSTS (``SECURE_HSTS_SECONDS``, default one
    year) and redirect of plain HTTP unless ``SECURE_SSL_REDIRECT=0``. ``SECURE_PROXY_SSL_HEADER=1``
    trusts ``X-Forwarded-Proto: https`` from the proxy (only set it when the proxy overwrites that
    header). ``CSRF_TRUSTED_ORIGINS`` lists ``https://host`` origins the proxy serves.
    """
    tls = truthy("OPENREM_TLS", False, env)
    result: dict[str, Any] = {
        "CSRF_TRUSTED_ORIGINS": [o for o in (env.get("CSRF_TRUSTED_ORIGINS") or "").replace(",", " ").split()
                                 if o],
        "SESSION_COOKIE_SECURE": tls,
        "CSRF_COOKIE_SECURE": tls,
        "SECURE_HSTS_SECONDS": int(env.get("SECURE_HSTS_SECONDS") or 31536000) if tls else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": truthy("SECURE_HSTS_INCLUDE_SUBDOMAINS", False, env),
        "SECURE_SSL_REDIRECT": tls and truthy("SECURE_SSL_REDIRECT", True, env),
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")
        if truthy("SECURE_PROXY_SSL_HEADER", False, env) else None,
    }
    return result
