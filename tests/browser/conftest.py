"""Browser tests: the real site in headless Chromium (Debian's ``/usr/bin/chromium``) via Playwright.

One browser per session, a new browser context (cookies, storage) per test. The site is served by
pytest-django's ``live_server`` (transactional database, static files served by Django's
``StaticFilesHandler``, so Bootstrap loads even with DEBUG off). Data: real sample files of the
shared folder imported with :func:`openrem.dose.services.import_file`; one user per permission group.

When Chromium or the ``playwright`` package is missing the tests are skipped with the reason, unless
``OPENREM_REQUIRE_ALL=1`` (CI), in which case they fail. ``playwright install`` is never needed.
Screenshots go to ``test-artifacts/screenshots/`` at the repository root.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    GROUP_NAMES,
    MODALITY_TYPES,
    PASSWORD,
    SAMPLES,
    unavailable,
)


def _make_database_folder() -> None:
    """The file-based SQLite test database needs its folder (``data/`` is absent in a fresh checkout)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "sqlite" in database["ENGINE"] and database["NAME"] != ":memory:":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)


_make_database_folder()


# --- browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package 'playwright' is not installed (pip install -e '.[dev]')")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    # Playwright's sync API keeps an asyncio loop on this thread; Django's ORM (used by the tests and
    # fixtures on the same thread) refuses to run beside a loop unless told it is safe here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            yield pw
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    """A fresh browser context (no cookies) per test, pointed at the live server, in English."""
    ctx = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1400, "height": 900},
                              reduced_motion="reduce")  # Bootstrap then skips its fade transitions
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page of a fresh context; fails the test on JavaScript errors or missing static files."""
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if "/static/" in r.url and r.status >= 400 else None)
    yield page
    assert not problems, problems


# --- data ------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """A fast password hasher: creating six users per test with PBKDF2 would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users(transactional_db: Any) -> dict[str, Any]:
    """One user per permission group (member of that group only), password :data:`PASSWORD`."""
    from django.contrib.auth.models import Group, User

    out = {}
    for name in GROUP_NAMES:
        user = User.objects.create_user(f"user-{name}", password=PASSWORD)
        user.groups.add(Group.objects.get_or_create(name=name)[0])
        out[name] = user
    return out


@pytest.fixture
def studies(transactional_db: Any, sample: Callable[[str], Path]) -> dict[str, list[int]]:
    """Import the real sample files; study pks per modality slug (every modality has at least one)."""
    from openrem.dose.models import Study
    from openrem.dose.services import import_file

    for names in SAMPLES.values():
        for name in names:
            outcome = import_file(sample(name))
            assert not outcome.failed, f"{name}: {outcome.status} {outcome.detail}"
    out = {slug: sorted(Study.objects.filter(modality_type__in=types).values_list("pk", flat=True))
           for slug, types in MODALITY_TYPES.items()}
    assert all(out.values()), f"a modality has no study: {out}"
    return out


# --- logged-in pages -------------------------------------------------------------------------------


def _login_cookie(context: BrowserContext, user: Any, url: str) -> None:
    """Log ``user`` in without the form: a server-side session whose cookie the context carries."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": url}])


@pytest.fixture
def login_as(context: BrowserContext, page: Page, users: dict[str, Any], live_server: Any) -> Callable[[str], Page]:
    """``login_as(group)``: the test's page, logged in as that group's user."""

    def login(group: str) -> Page:
        _login_cookie(context, users[group], live_server.url)
        return page

    return login


@pytest.fixture
def viewer_page(login_as: Callable[[str], Page]) -> Page:
    return login_as("viewgroup")


@pytest.fixture
def export_page(login_as: Callable[[str], Page]) -> Page:
    return login_as("exportgroup")


@pytest.fixture
def pid_page(login_as: Callable[[str], Page]) -> Page:
    return login_as("pidgroup")


@pytest.fixture
def importsize_page(login_as: Callable[[str], Page]) -> Page:
    return login_as("importsizegroup")


@pytest.fixture
def importqr_page(login_as: Callable[[str], Page]) -> Page:
    return login_as("importqrgroup")


@pytest.fixture
def admin_page(login_as: Callable[[str], Page]) -> Page:
    return login_as("admingroup")
