"""Preload the published sets added after 0002 (the German BfS adult projection radiography DRW). 0002 loads
every file of ``openrem.drl.library.PRELOADED_FILES`` that is not stored yet, so on a new installation this
step finds nothing left to do; on an installation already past 0002 it adds the new sets."""

from typing import Any

from django.db import migrations

ADDED = ("de-bfs-drw-adult-radiography-2022.csv",)


def preload(apps: Any, schema_editor: Any) -> None:
    from openrem.drl.csvio import parse_drl_file
    from openrem.drl.library import DATA_DIR, store_set

    set_model = apps.get_model("drl", "DrlSet")
    value_model = apps.get_model("drl", "DrlValue")
    for name in ADDED:
        parsed = parse_drl_file((DATA_DIR / name).read_text(encoding="utf-8"))
        if not set_model.objects.filter(name=parsed.name, version=parsed.version).exists():
            store_set(parsed, set_model, value_model)


def unload(apps: Any, schema_editor: Any) -> None:
    from openrem.drl.csvio import parse_drl_file
    from openrem.drl.library import DATA_DIR

    set_model = apps.get_model("drl", "DrlSet")
    for name in ADDED:
        parsed = parse_drl_file((DATA_DIR / name).read_text(encoding="utf-8"))
        set_model.objects.filter(name=parsed.name, version=parsed.version).delete()


class Migration(migrations.Migration):
    dependencies = [("drl", "0002_preload_published_sets")]
    operations = [migrations.RunPython(preload, unload)]
