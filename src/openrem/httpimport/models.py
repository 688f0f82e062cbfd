"""Import tokens: the credentials of the HTTP import endpoint (``POST /import/orthanc/``).

Only the SHA-256 of a token is stored; the token itself is shown once, when it is created
(``openrem create_import_token NAME`` or the Django admin).
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "orm_"


def hash_token(token: str) -> str:
    """The SHA-256 hex digest stored for ``token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ImportToken(models.Model):
    """One credential of a sender (an Orthanc instance). Revoke it by clearing ``enabled``."""

    name = models.CharField(max_length=64, unique=True, help_text="who uses the token, e.g. the Orthanc server")
    token_hash = models.CharField("SHA-256 of the token", max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False, help_text="the first characters, to recognise it")
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    enabled = models.BooleanField(default=True, help_text="clear to revoke the token")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…{'' if self.enabled else ', revoked'})"

    def set_new_token(self) -> str:
        """Give this row a fresh random token (not saved); returns the token, which is not kept."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.prefix = token[:10]
        return token

    @classmethod
    def issue(cls, name: str) -> tuple[ImportToken, str]:
        """Create and save a token called ``name``; returns the row and the token."""
        row = cls(name=name)
        token = row.set_new_token()
        row.save()
        return row, token

    @classmethod
    def lookup(cls, token: str) -> ImportToken | None:
        """The row of ``token`` (enabled or not), or None when it is unknown."""
        if not token or len(token) > 200:
            return None
        return cls.objects.filter(token_hash=hash_token(token)).first()

    def touch(self) -> None:
        """Record a use (one UPDATE, no full save)."""
        now = timezone.now()
        type(self).objects.filter(pk=self.pk).update(last_used=now)
        self.last_used = now
