"""Backups: one .tar.gz holding a consistent database dump, the uploaded media and a manifest.

PostgreSQL is dumped with `pg_dump --format=custom` (a consistent snapshot, restorable with
`pg_restore`); SQLite is copied with its online backup API (consistent even while the site
writes). Restoring refuses a database that already has tables: a restore never merges.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
# The tables whose row counts are recorded in the manifest and reported after a restore.
COUNTED_TABLES = [
    "members_member",
    "members_contactperson",
    "members_competence",
    "members_historicalmember",
    "members_historicalcontactperson",
]


class BackupError(Exception):
    pass


def _pg_command(program, *arguments):
    """`program` with the connection options of the default database, and its environment."""
    db = connection.settings_dict
    command = [program, *arguments, "--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            command += [flag, str(db[key])]
    environment = {**os.environ, "PGCONNECT_TIMEOUT": str(db.get("OPTIONS", {}).get("connect_timeout", 10))}
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = db["PASSWORD"]  # never on the command line, where `ps` shows it
    return command, environment


def _run(command, environment):
    result = subprocess.run(command, env=environment, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def table_counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in COUNTED_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (fixed names)
            counts[table] = cursor.fetchone()[0]
    return counts


def _dump_database(directory):
    if connection.vendor == "postgresql":
        path = directory / PG_DUMP
        _run(*_pg_command("pg_dump", "--format=custom", "--file", str(path)))
    elif connection.vendor == "sqlite":
        path = directory / SQLITE_COPY
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
    else:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return path


def create_backup(output_dir):
    """Write mechatrec-<UTC time>.tar.gz into `output_dir` (readable by its owner only)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    target = output_dir / f"mechatrec-{created:%Y%m%dT%H%M%SZ}.tar.gz"
    manifest = {"format": 1, "engine": connection.vendor, "created_at": created.isoformat()}
    manifest["counts"] = table_counts()
    with tempfile.TemporaryDirectory() as work:
        dump = _dump_database(Path(work))
        # Personal data inside: create the file private before writing to it.
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(dump, arcname=dump.name)
            if Path(settings.MEDIA_ROOT).is_dir():
                archive.add(settings.MEDIA_ROOT, arcname="media")
    return target, manifest


def _add_bytes(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _database_is_empty():
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore_backup(path):
    """Restore the backup at `path` into the configured, empty database and MEDIA_ROOT."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:gz") as archive:
        # filter="data" refuses absolute paths, links out of the folder and device files.
        archive.extractall(work, filter="data")
        work = Path(work)
        manifest = json.loads((work / MANIFEST).read_text())
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"This backup is of a {manifest['engine']} database, "
                f"but DATABASE_URL points to {connection.vendor}."
            )
        if not _database_is_empty():
            raise BackupError("The database is not empty. Restore into a new, empty database.")
        _restore_database(work)
        if (work / "media").is_dir():
            shutil.copytree(work / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
    return manifest, table_counts()


def _restore_database(work):
    if connection.vendor == "postgresql":
        command, environment = _pg_command(
            "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", str(work / PG_DUMP)
        )
        _run(command, environment)
    else:
        connection.ensure_connection()
        with sqlite3.connect(work / SQLITE_COPY) as source:
            source.backup(connection.connection)
        source.close()
