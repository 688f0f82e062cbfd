"""The production stack: gunicorn on a unix socket behind a real nginx, in the virtual directory /dose/.

Serves the shipped site file ``deploy/nginx/openrem-server`` (its paths and prefixes replaced for the
test) with Debian's nginx, and gunicorn with the options of ``deploy/systemd/openrem-gunicorn.service``.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from openrem.dose.models import Study
from openrem.dose.services import import_file
from support import free_port, missing

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "Nginx-Test-Password-42"


def _require_nginx() -> None:
    if not Path(NGINX).exists():
        missing("nginx is not installed (apt-get install nginx)")


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _site_config(sock: Path, static_root: Path, port: int) -> str:
    """The shipped site file, moved to /dose/ on a loopback port with the test's socket and folders."""
    site = (REPO / "deploy" / "nginx" / "openrem-server").read_text()
    site = site.replace("unix:/run/openrem/gunicorn.sock", f"unix:{sock}")
    site = site.replace("alias /var/lib/openrem/static/;", f"alias {static_root}/;")
    site = site.replace("location /static/", "location /dose/static/").replace("location / {", "location /dose/ {")
    return site.replace("listen 80;", f"listen 127.0.0.1:{port};")


def _wait_for(check: Any, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not start within {seconds} s")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[str]:
    """gunicorn + nginx; yields the base URL of the site (``http://127.0.0.1:PORT/dose/``)."""
    _require_nginx()
    static_root, logs, sock = tmp_path / "static", tmp_path / "logs", tmp_path / "gunicorn.sock"
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(DATABASE_URL=_database_url(), VIRTUAL_DIRECTORY="dose/", STATIC_ROOT=str(static_root),
               LOG_ROOT=str(logs), OPENREM_DATA=str(tmp_path / "data"), DJANGO_ALLOWED_HOSTS="127.0.0.1 localhost",
               HUEY_IMMEDIATE="1", DEBUG="0")
    openrem = Path(sys.executable).with_name("openrem")
    subprocess.run([str(openrem), "collectstatic", "--noinput", "-v0"], env=env, check=True, timeout=120)
    gunicorn = subprocess.Popen([str(GUNICORN), "openrem.wsgi:application", "--bind", f"unix:{sock}",
                                 "--workers", "1", "--timeout", "300"], env=env, cwd=tmp_path,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    (tmp_path / "site.conf").write_text(_site_config(sock, static_root, port))
    (tmp_path / "nginx.conf").write_text(
        f"user root;\nworker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{ include /etc/nginx/mime.types; access_log {tmp_path}/access.log;\n"
        f"client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;\n"
        f"fastcgi_temp_path {tmp_path}/fcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;\n"
        f"include {tmp_path}/site.conf; }}\n")
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(sock.exists, "gunicorn")
        _wait_for(lambda: _port_open(port), "nginx")
        yield f"http://127.0.0.1:{port}/dose/"
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _browser() -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def test_login_list_detail_and_static_through_nginx(stack: str, sample: Any) -> None:
    outcome = import_file(sample("CT-RDSR-Siemens_Flash-TAP-SS.dcm"))
    assert not outcome.failed, outcome.line()
    study = Study.objects.get()
    user = User.objects.create_user("physicist", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name="viewgroup")[0])

    opener, jar = _browser()
    login_page = opener.open(stack + "login/").read().decode()
    assert 'src="/dose/static/' in login_page  # static URLs follow the virtual directory
    token = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode({"username": "physicist", "password": PASSWORD, "csrfmiddlewaretoken": token})
    home = opener.open(stack + "login/", data=form.encode())
    assert home.geturl().rstrip("/") == stack.rstrip("/")  # redirected to /dose/ (the home page)

    listing = opener.open(stack + "ct/").read().decode()
    assert f"/dose/ct/{study.pk}/" in listing
    detail = opener.open(stack + f"ct/{study.pk}/").read().decode()
    assert (study.study_description or "") in detail
    css_links = [part.split('"')[0] for part in listing.split('href="')[1:] if part.split('"')[0].endswith(".css")]
    assert css_links and all(link.startswith("/dose/static/") for link in css_links)
    css = urllib.request.urlopen(f"{stack.split('/dose/')[0]}{css_links[0]}")
    assert css.status == 200 and "text/css" in css.headers["Content-Type"]


def test_a_60_mb_upload_is_refused_by_nginx(stack: str) -> None:
    parsed = urllib.parse.urlparse(stack)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    conn.putrequest("POST", "/dose/import/orthanc/")
    conn.putheader("Content-Type", "application/dicom")
    conn.putheader("Content-Length", str(60 * 1024 * 1024))
    conn.endheaders()
    conn.send(b"\0" * 65536)  # nginx answers from the declared length, before the body arrives
    response = conn.getresponse()
    assert response.status == 413
    assert "nginx" in response.getheader("Server", "")
    conn.close()
