"""Helpers that turn environment variables into settings (no Django imports)."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse


def env_bool(name: str, default: bool, env: Mapping[str, str] | None = None) -> bool:
    """Read a boolean: 1/true/yes/on are true, 0/false/no/off/empty are false."""
    import os

    value = (env if env is not None else os.environ).get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str], env: Mapping[str, str] | None = None) -> list[str]:
    """Read a list written as a Python list literal (``['a', 'b']``) or comma separated text."""
    import os

    value = (env if env is not None else os.environ).get(name)
    if value is None or not value.strip():
        return list(default)
    text = value.strip()
    if text.startswith("["):
        parsed = ast.literal_eval(text)
        return [str(v) for v in parsed]
    return [v.strip() for v in text.split(",") if v.strip()]


def database_from_url(url: str) -> dict[str, Any]:
    """Django DATABASES entry from ``sqlite:///path`` or ``postgres://user:pass@host:port/name``."""
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme in {"sqlite", "sqlite3"}:
        # sqlite:///relative/path or sqlite:////absolute/path (the SQLAlchemy convention)
        rest = url.split("://", 1)[1]
        path = unquote(rest[1:] if rest.startswith("/") else rest)
        return sqlite_database(path or ":memory:")
    if scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "openrem",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
        }
    raise ValueError(f"unsupported DATABASE_URL scheme: {scheme!r}")


def sqlite_database(path: str | Path) -> dict[str, Any]:
    """A SQLite entry with immediate transactions (writers queue instead of failing) and WAL."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # a file (not memory) test database, so that tests can run real worker processes against it
        "TEST": {"NAME": f"{path}.test" if str(path) != ":memory:" else None},
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def database_from_env(env: Mapping[str, str], data_dir: Path) -> dict[str, Any]:
    """DATABASE_URL, else the spec's SQL_* / POSTGRES_* variables, else SQLite in ``data_dir``."""
    url = env.get("DATABASE_URL", "").strip()
    if url:
        return database_from_url(url)
    engine = env.get("SQL_ENGINE", "").strip()
    if engine and "sqlite" not in engine:
        return {
            "ENGINE": engine,
            "NAME": env.get("POSTGRES_DB", "openrem_prod"),
            "USER": env.get("POSTGRES_USER", ""),
            "PASSWORD": env.get("POSTGRES_PASSWORD", ""),
            "HOST": env.get("SQL_HOST", "localhost"),
            "PORT": env.get("SQL_PORT", "5432"),
            "CONN_MAX_AGE": 60,
        }
    return sqlite_database(data_dir / "openrem.sqlite3")


def huey_settings(env: Mapping[str, str], data_dir: Path) -> dict[str, Any]:
    """The HUEY setting of huey.contrib.djhuey from the environment (spec: REDIS_HOST/REDIS_PORT,
    HUEY_NUMBER_OF_WORKERS; HUEY_IMMEDIATE=1 runs tasks in-process; HUEY_NAME names the queue, so that
    several installations or test runs can share one Redis server)."""
    workers = int(env.get("HUEY_NUMBER_OF_WORKERS") or 2)
    common: dict[str, Any] = {
        "name": env.get("HUEY_NAME") or "openrem",
        # in-process when asked, and always under pytest (which sets PYTEST_VERSION)
        "immediate": env_bool("HUEY_IMMEDIATE", "PYTEST_VERSION" in env, env),
        "consumer": {"workers": workers, "worker_type": "process"},
    }
    if env.get("REDIS_HOST"):
        return {**common, "huey_class": "huey.RedisHuey",
                "connection": {"host": env["REDIS_HOST"], "port": int(env.get("REDIS_PORT") or 6379)}}
    data_dir.mkdir(parents=True, exist_ok=True)  # huey opens its SQLite queue file when Django starts
    return {**common, "huey_class": "huey.SqliteHuey", "filename": str(data_dir / "huey.sqlite3")}
