"""The dose store: models, the single write path (ingest) and read helpers."""
