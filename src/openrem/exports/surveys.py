"""The survey formats by export format name (see :mod:`openrem.exports.run`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openrem.exports import nhsbsp, openskin, phe


def _phe2019(spec: Any, qs: Any, path: str, **kwargs: Any) -> int:
    writer = {"ct": phe.write_ct, "dx": phe.write_dx_single, "rf": phe.write_rf}[spec.slug]
    return writer(spec, qs, path, **kwargs)


WRITERS: dict[str, Callable[..., int]] = {
    "phe2019": _phe2019,
    "phe2019exam": phe.write_dx_exam,
    "nhsbsp": nhsbsp.write_nhsbsp,
    "openskin": openskin.write_openskin,
}
