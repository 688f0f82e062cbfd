"""The shipped deployment files are valid: compose file against the Compose Specification schema,
pinned images, nginx sites accepted by ``nginx -t``, systemd units that restart on failure."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft201909Validator

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
SPEC_ENV_NAMES = ("SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DEBUG", "LOG_LEVEL", "LOG_LEVEL_QRSCU", "LOG_LEVEL_EXTRACTOR",
                  "TIME_ZONE", "LANGUAGE_CODE", "IGNORE_DEVICE_OBSERVER_UID_FOR_THESE_MODELS", "EMAIL_HOST",
                  "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL",
                  "EMAIL_DOSE_ALERT_SENDER", "EMAIL_OPENREM_URL", "SQL_HOST", "SQL_ENGINE", "SQL_PORT", "DATABASE",
                  "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "MEDIA_ROOT", "STATIC_ROOT", "LOG_ROOT",
                  "VIRTUAL_DIRECTORY", "MEDIA_URL", "STATIC_URL")


def _compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((DEPLOY / "docker" / "docker-compose.yml").read_text())


def test_compose_file_follows_the_compose_specification() -> None:
    schema = json.loads((REPO / "tests" / "data" / "compose-spec.json").read_text())
    errors = sorted(Draft201909Validator(schema).iter_errors(_compose()), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_an_invalid_compose_file_is_caught() -> None:
    """The schema check can fail: an unknown service key is reported."""
    schema = json.loads((REPO / "tests" / "data" / "compose-spec.json").read_text())
    broken = _compose()
    broken["services"]["openrem"]["restartt"] = "always"
    assert list(Draft201909Validator(schema).iter_errors(broken))


def test_compose_stack_has_every_service_with_pinned_images() -> None:
    services = _compose()["services"]
    assert set(services) == {"openrem", "worker", "storescp", "db", "redis", "nginx", "orthanc_1"}
    for name, service in services.items():
        image = service["image"]
        assert re.fullmatch(r"[\w./-]+:[\w.-]+", image) and not image.endswith(":latest"), (name, image)
    dockerfile = (DEPLOY / "docker" / "Dockerfile").read_text()
    base = re.search(r"^FROM (\S+)", dockerfile, re.M)
    assert base and re.search(r":\d+\.\d+\.\d+", base.group(1))


def test_env_template_has_the_spec_variables() -> None:
    text = (DEPLOY / "docker" / "env.prod.template").read_text()
    names = set(re.findall(r"^#? ?([A-Z_]+)=", text, re.M))
    assert set(SPEC_ENV_NAMES) <= names, set(SPEC_ENV_NAMES) - names
    assert re.search(r"^SECRET_KEY=$", text, re.M)  # no key shipped: production refuses to start without one


def test_systemd_units_restart_and_stop_gracefully() -> None:
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert {u.name for u in units} >= {"openrem-gunicorn.service", "openrem-worker.service",
                                       "openrem-storescp.service"}
    for unit in units:
        text = unit.read_text()
        assert "Restart=on-failure" in text and "KillSignal=SIGTERM" in text and "TimeoutStopSec=" in text, unit
        assert "EnvironmentFile=" in text
    assert "--timeout 300" in (DEPLOY / "systemd" / "openrem-gunicorn.service").read_text()


def _nginx_test(site: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; access_log off; include {tmp_path}/site.conf; }}\n")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True, timeout=60)


def _require(path: str) -> None:
    if not Path(path).exists() and not shutil.which(path):
        if os.environ.get("OPENREM_REQUIRE_ALL") == "1":
            pytest.fail(f"{path} is not installed")
        pytest.skip(f"{path} is not installed")


def test_nginx_accepts_the_http_site(tmp_path: Path) -> None:
    _require("/usr/sbin/nginx")
    result = _nginx_test((DEPLOY / "nginx" / "openrem-server").read_text(), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "client_max_body_size 50M" in (DEPLOY / "nginx" / "openrem-server").read_text()


def test_nginx_accepts_the_tls_site(tmp_path: Path) -> None:
    _require("/usr/sbin/nginx")
    _require("openssl")
    crt, key = tmp_path / "openrem.crt", tmp_path / "openrem.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=dose.example.org", "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    site = (DEPLOY / "nginx" / "openrem-server-tls").read_text()
    site = site.replace("/etc/ssl/certs/openrem.crt", str(crt)).replace("/etc/ssl/private/openrem.key", str(key))
    result = _nginx_test(site, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "X-Forwarded-Proto https" in site


def test_nginx_rejects_a_broken_site(tmp_path: Path) -> None:
    _require("/usr/sbin/nginx")
    assert _nginx_test("server { listen 80; location / { proxy_pass; } }", tmp_path).returncode != 0
