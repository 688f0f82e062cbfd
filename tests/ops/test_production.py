"""Production mode refuses unsafe settings at startup, one message per setting (docs/operations.md)."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

import openrem.settings
from openrem.production import PLACEHOLDER_KEYS, UnsafeConfiguration, secret_key, unsafe_settings

OPENREM = Path(sys.executable).with_name("openrem")
GOOD_KEY = "k3y-" + "x9Q2mZ7vR4tL8pW1" * 4


def _folders(tmp_path: Path) -> dict[str, str]:
    names = {"MEDIA_ROOT": "media", "STATIC_ROOT": "static", "LOG_ROOT": "logs"}
    for sub in names.values():
        (tmp_path / sub).mkdir(exist_ok=True)
    return {name: str(tmp_path / sub) for name, sub in names.items()}


def _env(tmp_path: Path, **changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DEBUG", "SECRET_KEY"}}
    env.update(OPENREM_PRODUCTION="1", SECRET_KEY=GOOD_KEY, DEBUG="0", DJANGO_ALLOWED_HOSTS="dose.example",
               OPENREM_DATA=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", **_folders(tmp_path))
    env.update(changes)
    return env


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(OPENREM), "check"], env=env, capture_output=True, text=True, timeout=120)


def test_safe_production_settings_start(tmp_path: Path) -> None:
    result = _check(_env(tmp_path))
    assert result.returncode == 0, result.stderr


def _load_settings(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Execute the real settings module with ``env`` as the process environment."""
    for key in list(os.environ):
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    runpy.run_path(openrem.settings.__file__)


@pytest.mark.parametrize(("change", "message"), [
    ({"DEBUG": "1"}, "DEBUG is on"),
    ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": "change-me-to-a-long-random-string"}, "SECRET_KEY is a default placeholder"),
    ({"SECRET_KEY": "short-key-123"}, "SECRET_KEY is too short"),
    ({"DJANGO_ALLOWED_HOSTS": " "}, "DJANGO_ALLOWED_HOSTS is empty"),
    ({"MEDIA_ROOT": "/nonexistent/openrem/media"}, "MEDIA_ROOT folder /nonexistent/openrem/media does not exist"),
    ({"LOG_ROOT": "/nonexistent/openrem/logs"}, "LOG_ROOT folder /nonexistent/openrem/logs does not exist"),
])
def test_each_unsafe_setting_is_refused_with_its_message(tmp_path: Path, change: dict[str, str], message: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _load_settings(_env(tmp_path), monkeypatch)  # the safe settings load
    with pytest.raises(UnsafeConfiguration) as refused:
        _load_settings(_env(tmp_path, **change), monkeypatch)
    assert "refuses to start in production mode" in str(refused.value)
    assert message in str(refused.value)


def test_the_command_line_refuses_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    result = _check(_env(tmp_path, DEBUG="1", SECRET_KEY="short"))
    assert result.returncode == 2
    assert "DEBUG is on" in result.stderr and "SECRET_KEY is too short" in result.stderr
    assert "Traceback" not in result.stderr


def test_wsgi_application_refuses_too(tmp_path: Path) -> None:
    """gunicorn loads openrem.wsgi: the same refusal stops it."""
    code = "import openrem.wsgi"
    result = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path, SECRET_KEY=""),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_outside_production_a_random_key_is_kept_in_the_data_folder(tmp_path: Path) -> None:
    first = secret_key({}, tmp_path, production=False)
    assert len(first) >= 50 and first not in PLACEHOLDER_KEYS
    assert secret_key({}, tmp_path, production=False) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert secret_key({}, tmp_path / "other", production=False) != first
    assert secret_key({}, tmp_path, production=True) == ""  # production: refused later, never generated


def test_several_problems_are_listed_together(tmp_path: Path) -> None:
    problems = unsafe_settings({"DEBUG": True, "SECRET_KEY": "", "ALLOWED_HOSTS": [], "FOLDERS": {}})
    assert len(problems) == 3
