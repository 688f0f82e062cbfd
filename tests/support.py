"""Helpers shared by the test packages: free loopback ports, and the rule for missing components."""

from __future__ import annotations

import os
import socket
from typing import NoReturn

import pytest


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def missing(message: str) -> NoReturn:
    """Skip a test whose component is absent; fail it with OPENREM_REQUIRE_ALL=1 (CI)."""
    if os.environ.get("OPENREM_REQUIRE_ALL") == "1":
        pytest.fail(message)
    pytest.skip(message)
