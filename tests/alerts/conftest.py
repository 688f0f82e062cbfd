"""Fixtures of the alert tests: a real SMTP server (aiosmtpd) on 127.0.0.1, the preset rules, users."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from support import free_port, missing

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dose"))  # the record factories

from django.conf import settings  # noqa: E402

Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)


class Mailbox:
    """aiosmtpd handler keeping every message; ``fail_with`` makes DATA fail with that SMTP reply."""

    def __init__(self, fail_with: str | None = None) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.fail_with = fail_with

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        if self.fail_with:
            return self.fail_with
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def _server(settings: Any, mailbox: Mailbox) -> Iterator[Mailbox]:
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        missing("aiosmtpd is not installed (pip install -e '.[dev]')")
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # pytest-django sets locmem
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.EMAIL_DOSE_ALERT_SENDER = "alerts@openrem.test"
    settings.EMAIL_OPENREM_URL = "https://openrem.test/"
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    """A working SMTP server on 127.0.0.1 that keeps the messages."""
    yield from _server(settings, Mailbox())


@pytest.fixture
def broken_smtp(settings: Any) -> Iterator[Mailbox]:
    """An SMTP server on 127.0.0.1 that refuses every message (451 on DATA)."""
    yield from _server(settings, Mailbox(fail_with="451 Requested action aborted: local error"))


@pytest.fixture
def presets(db: Any) -> None:
    from openrem.alerts.models import AlertRule
    from openrem.alerts.presets import create_presets

    create_presets(AlertRule)


@pytest.fixture
def physicist(db: Any) -> Any:
    from django.contrib.auth.models import Group, User

    user = User.objects.create(username="physicist", email="physicist@hospital.test")
    user.groups.add(Group.objects.get_or_create(name="admingroup")[0])
    return user
