"""Every text column of the dose store that has a b-tree index is cut by the plausibility check.

A PostgreSQL b-tree index entry holds at most 2704 bytes; SQLite has no such limit, so a longer
value would be stored on one database and refused on the other. :data:`plausible.INDEXED_TEXT`
names the fields cut to :data:`plausible.INDEXED_TEXT_BYTES`; a new indexed text column must be
added there (or be a column with a short ``max_length``, which the store already keeps short).
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from openrem.dicom import plausible

SHORT = 255  # characters: at most 1020 UTF-8 bytes


def _indexed_text_columns() -> set[tuple[str, str]]:
    found = set()
    for model in apps.get_app_config("dose").get_models():
        in_indexes = {name.lstrip("-") for index in model._meta.indexes for name in index.fields}
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if field.max_length is not None and field.max_length <= SHORT:
                continue
            if field.db_index or field.unique or field.name in in_indexes:
                found.add((model.__name__, field.name))
    return found


def test_every_indexed_text_column_is_cut() -> None:
    columns = _indexed_text_columns()
    assert columns, "no indexed text column found: the check would prove nothing"
    assert {name for _model, name in columns} <= plausible.INDEXED_TEXT, sorted(columns)


def test_the_limit_fits_a_btree_entry_with_its_other_columns() -> None:
    assert plausible.INDEXED_TEXT_BYTES + 3 * 8 + 64 < 2704
