"""Backup and restore of an installation: the database, the media folder and the settings in force.

A backup is a folder ``openrem-backup-YYYYmmdd-HHMMSS`` holding

- ``database.pgdump`` (PostgreSQL custom format, ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite's
  online backup API, consistent while the system runs);
- ``media.tar.gz``: MEDIA_ROOT (exports, size-import files, kept physics studies);
- ``settings.json``: the non-secret settings in force (no SECRET_KEY, no passwords);
- ``manifest.json``: product version, time, database vendor and the row count of every table.

Restore puts the database and the media folder back and checks the row counts against the manifest.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

SETTINGS_KEPT = ("TIME_ZONE", "LANGUAGE_CODE", "ALLOWED_HOSTS", "MEDIA_ROOT", "STATIC_ROOT", "LOG_ROOT",
                 "VIRTUAL_DIRECTORY", "IGNORE_DEVICE_OBSERVER_UID_FOR_THESE_MODELS", "PRODUCTION", "DEBUG")


class BackupError(Exception):
    """A backup or restore step failed; the message says which and why."""


def table_counts() -> dict[str, int]:
    """Row count of every table of the database (the manifest's check)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(PGHOST=db["HOST"] or "127.0.0.1", PGPORT=str(db["PORT"] or 5432), PGUSER=db["USER"] or "",
               PGDATABASE=db["NAME"])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=6 * 3600)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed: {exc}") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def backup(destination: Path) -> Path:
    """Write a backup folder under ``destination``; returns its path."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = destination / f"openrem-backup-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    os.chmod(folder, 0o700)  # patient data
    if connection.vendor == "postgresql":
        _run(["pg_dump", "-Fc", "--no-owner", "-f", str(folder / "database.pgdump")], env=_pg_env())
    elif connection.vendor == "sqlite":
        _sqlite_copy(Path(connection.settings_dict["NAME"]), folder / "database.sqlite3")
    else:
        raise BackupError(f"no backup method for the {connection.vendor} database")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        if media.is_dir():
            archive.add(media, arcname="media")
    kept = {name: getattr(settings, name, None) for name in SETTINGS_KEPT}
    (folder / "settings.json").write_text(json.dumps(kept, indent=2, default=str))
    manifest = {"product": "OpenREM", "version": _version(), "created": dt.datetime.now().isoformat(),
                "database_vendor": connection.vendor, "tables": table_counts()}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return folder


def _version() -> str:
    try:
        return metadata.version("openrem")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while other processes write."""
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def restore(folder: Path) -> dict[str, Any]:
    """Put the database and media of backup ``folder`` back; returns the manifest check result."""
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest.get("database_vendor") != connection.vendor:
        raise BackupError(f"the backup holds a {manifest.get('database_vendor')} database; this installation "
                          f"uses {connection.vendor}")
    connections.close_all()
    if connection.vendor == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "-d", connection.settings_dict["NAME"], str(folder / "database.pgdump")], env=_pg_env())
    else:
        _sqlite_copy(folder / "database.sqlite3", Path(connection.settings_dict["NAME"]))
    _restore_media(folder / "media.tar.gz", Path(settings.MEDIA_ROOT))
    counts = table_counts()
    differing = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    return {"tables": len(counts), "differing": differing}


def _restore_media(archive_path: Path, media_root: Path) -> None:
    if not archive_path.exists():
        return
    staging = media_root.with_name(media_root.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(staging, filter="data")  # no absolute paths or links outside the folder
    if media_root.exists():
        shutil.rmtree(media_root)
    extracted = staging / "media"
    if extracted.exists():
        extracted.rename(media_root)
    else:
        media_root.mkdir(parents=True)
    shutil.rmtree(staging, ignore_errors=True)
