"""Create the six permission groups of the spec."""

from django.db import migrations

GROUPS = ("viewgroup", "exportgroup", "pidgroup", "importsizegroup", "importqrgroup", "admingroup")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    group_model = apps.get_model("auth", "Group")
    for name in GROUPS:
        group_model.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
