"""Per-user display preferences of the web interface (kept on the server, not in the browser)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from openrem.modalities.units import DAP_UNIT_CHOICES


class DisplayPreference(models.Model):
    """The DAP unit a user reads and the list columns they chose to hide, per modality."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="display_preference")
    dap_unit = models.CharField(max_length=8, choices=DAP_UNIT_CHOICES, default=DAP_UNIT_CHOICES[0][0])
    hidden_columns = models.JSONField(default=dict, blank=True)  # modality slug -> [column key, ...]

    def __str__(self) -> str:
        return f"display preferences of user {self.user_id}"

    @classmethod
    def for_user(cls, user: Any) -> DisplayPreference:
        """The saved preferences of ``user``, or unsaved defaults (anonymous users, first visit)."""
        if getattr(user, "is_authenticated", False):
            found = cls.objects.filter(user_id=user.pk).first()
            if found is not None:
                return found
            return cls(user_id=user.pk)
        return cls()

    def hidden(self, slug: str) -> list[str]:
        """Column keys the user hid in the list of modality ``slug``."""
        value = (self.hidden_columns or {}).get(slug, [])
        return [str(v) for v in value] if isinstance(value, list) else []
