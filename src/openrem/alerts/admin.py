from django.contrib import admin

from openrem.alerts.models import AlertFiring, AlertRule


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "modality", "measure", "threshold", "cumulative_weeks", "enabled", "send_email")
    filter_horizontal = ("recipients",)


@admin.register(AlertFiring)
class AlertFiringAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("rule", "study", "scope", "value", "threshold", "unit", "active", "fired_at", "notified_at")
    list_filter = ("active", "scope")
    raw_id_fields = ("study",)
