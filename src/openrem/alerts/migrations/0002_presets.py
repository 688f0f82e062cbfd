"""Preset alert rules (see openrem.alerts.presets)."""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from openrem.alerts.presets import create_presets

    create_presets(apps.get_model("alerts", "AlertRule"))


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
