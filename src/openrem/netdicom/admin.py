"""Django admin registrations for the DICOM networking settings."""

from django.contrib import admin

from openrem.netdicom.models import ReceiveFilterSettings


@admin.register(ReceiveFilterSettings)
class ReceiveFilterSettingsAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The receive filters (store SCP) and the Toshiba extractor systems list (``openrem cttoshiba``)."""

    list_display = ("pk", "physics_filtering", "toshiba_extractor_systems")
