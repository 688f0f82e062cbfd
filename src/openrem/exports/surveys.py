"""Survey formats (PHE 2019, NHSBSP, openSkin)."""

from __future__ import annotations

from collections.abc import Callable

WRITERS: dict[str, Callable[..., int]] = {}
