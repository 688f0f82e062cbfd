"""Preload the published DRL sets shipped in openrem/drl/data (each file carries its source)."""

from typing import Any

from django.db import migrations


def preload(apps: Any, schema_editor: Any) -> None:
    from openrem.drl.library import preloaded_sets, store_set

    set_model = apps.get_model("drl", "DrlSet")
    value_model = apps.get_model("drl", "DrlValue")
    for parsed in preloaded_sets():
        if not set_model.objects.filter(name=parsed.name, version=parsed.version).exists():
            store_set(parsed, set_model, value_model)


def unload(apps: Any, schema_editor: Any) -> None:
    from openrem.drl.library import preloaded_sets

    set_model = apps.get_model("drl", "DrlSet")
    for parsed in preloaded_sets():
        set_model.objects.filter(name=parsed.name, version=parsed.version).delete()


class Migration(migrations.Migration):
    dependencies = [("drl", "0001_initial")]
    operations = [migrations.RunPython(preload, unload)]
