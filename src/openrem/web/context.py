"""Template context of every page: the user's display units (read once per request, when used)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from openrem.modalities.units import display_unit


class DisplayUnits:
    """``units.dap`` in a template: the symbol of a quantity's display unit for this user."""

    def __init__(self, user: Any) -> None:
        self._user = user
        self._choice: str | None = None
        self._loaded = False

    @property
    def choice(self) -> str | None:
        """The user's DAP unit key (read from their saved preferences on first use)."""
        if not self._loaded:
            from openrem.web.models import DisplayPreference

            self._choice = DisplayPreference.for_user(self._user).dap_unit
            self._loaded = True
        return self._choice

    def for_quantity(self, key: str) -> str | None:
        return self.choice if key == "dap" else None

    def __getitem__(self, key: str) -> str:
        try:
            return display_unit(key, self.for_quantity(key)).symbol
        except KeyError:
            raise KeyError(key) from None


def display(request: HttpRequest) -> dict[str, Any]:
    """``units``: display units of this user (see :class:`DisplayUnits`); ``can_import``: the import page
    is in this user's menu, ``can_see_pid``: so is the per-patient page (pidgroup); both evaluated only when a
    template asks."""
    from openrem.web.access import PID, can_import, in_group

    user = getattr(request, "user", None)
    return {"units": DisplayUnits(user), "can_import": lambda: can_import(user),
            "can_see_pid": lambda: in_group(user, PID)}
