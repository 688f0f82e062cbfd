"""Units of DRL values (no Django): a DRL file may give DAP in Gy.m2, cGy.cm2, mGy.cm2 or uGy.m2 and the
dose tables store Gy.m2; DLP and CTDIvol, AGD and ESD have one unit each (mGy.cm, mGy)."""

from __future__ import annotations

# factor to the base unit of each dimension: DAP -> Gy.m2, DLP -> mGy.cm, dose -> mGy
_FACTORS: dict[str, tuple[str, float]] = {
    "gy.m2": ("dap", 1.0),
    "cgy.cm2": ("dap", 1e-6),
    "mgy.cm2": ("dap", 1e-7),
    "ugy.m2": ("dap", 1e-6),
    "µgy.m2": ("dap", 1e-6),
    "mgy.cm": ("dlp", 1.0),
    "mgy": ("dose", 1.0),
    "gy": ("dose", 1e3),
}


def _key(unit: str) -> str:
    return unit.strip().lower().replace("·", ".").replace("²", "2").replace(" ", "")


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit``; ValueError for unknown or mismatched units."""
    try:
        dim_from, f_from = _FACTORS[_key(from_unit)]
        dim_to, f_to = _FACTORS[_key(to_unit)]
    except KeyError as exc:
        raise ValueError(f"unknown unit {exc.args[0]!r}") from None
    if dim_from != dim_to:
        raise ValueError(f"cannot convert {from_unit} to {to_unit}")
    return value * f_from / f_to
