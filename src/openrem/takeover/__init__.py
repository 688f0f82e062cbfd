"""Taking over an existing OpenREM 0.10/1.0 database (``openrem import_openrem_db``).

:mod:`source` reads the old database read-only (SQLite or PostgreSQL), :mod:`build` turns each old
study into the parsing layer's records, and :mod:`run` stores them through the one write path
(``ingest``) and copies the configuration (display names, not-patient patterns, standard names,
users and groups). See docs/upgrade-from-openrem.md.
"""
