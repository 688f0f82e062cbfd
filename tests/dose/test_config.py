"""Settings from environment variables (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from openrem.config import database_from_env, database_from_url, env_list


def test_sqlite_urls() -> None:
    assert database_from_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"
    assert database_from_url("sqlite:///rel/x.sqlite3")["NAME"] == "rel/x.sqlite3"


def test_postgres_url() -> None:
    db = database_from_url("postgres://user:p%40ss@db.example:5433/openrem")
    assert (db["ENGINE"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "django.db.backends.postgresql", "user", "p@ss", "db.example", "5433", "openrem")


def test_database_url_wins_over_sql_variables(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "sqlite:////tmp/a.sqlite3", "SQL_ENGINE": "django.db.backends.postgresql"}
    assert database_from_env(env, tmp_path)["ENGINE"] == "django.db.backends.sqlite3"


def test_spec_sql_variables(tmp_path: Path) -> None:
    env = {"SQL_ENGINE": "django.db.backends.postgresql", "SQL_HOST": "db", "SQL_PORT": "5432",
           "POSTGRES_USER": "openremuser", "POSTGRES_PASSWORD": "pw", "POSTGRES_DB": "openrem_prod"}
    db = database_from_env(env, tmp_path)
    assert (db["HOST"], db["NAME"], db["USER"]) == ("db", "openrem_prod", "openremuser")


def test_default_is_sqlite_in_data_folder(tmp_path: Path) -> None:
    assert database_from_env({}, tmp_path)["NAME"] == str(tmp_path / "openrem.sqlite3")


def test_bad_url_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        database_from_url("mysql://x")


def test_model_list_variable() -> None:
    assert env_list("X", [], {"X": "['GE OEC Fluorostar', 'Other']"}) == ["GE OEC Fluorostar", "Other"]
    assert env_list("X", ["d"], {}) == ["d"]
