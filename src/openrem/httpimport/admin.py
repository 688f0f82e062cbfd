"""Django admin for import tokens: list, revoke (clear "enabled" or the action), create (shown once)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from openrem.httpimport.models import ImportToken


@admin.register(ImportToken)
class ImportTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Tokens are created here or with ``openrem create_import_token``; the token is displayed once."""

    list_display = ("name", "prefix", "enabled", "created", "last_used")
    list_filter = ("enabled",)
    search_fields = ("name", "prefix")
    readonly_fields = ("prefix", "created", "last_used")
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ImportToken, form: Any, change: bool) -> None:
        token = None if change else obj.set_new_token()
        super().save_model(request, obj, form, change)
        if token:
            messages.warning(request, f"Import token for {obj.name}: {token} — copy it now, it is not shown again.")

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ImportToken]) -> None:
        count = queryset.update(enabled=False)
        messages.success(request, f"{count} token(s) revoked.")
