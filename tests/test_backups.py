"""`make backup` / `make restore`: a dump restored into a fresh database holds the same data."""

import io
import os
import sqlite3
import subprocess
import sys
import tarfile
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from members.backups import COUNTED_TABLES, table_counts
from members.models import ContactPerson

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def directory_with_history(make_member, competences, settings):
    """Committed rows (pg_dump sees only those): members, contacts, edits, a logo file."""
    for n in range(3):
        member = make_member(competences=competences[n : n + 2])
        member.short_description_en = f"Edited {n}"
        member.save()
        ContactPerson.objects.create(
            member=member,
            name=f"Persoana {n}",
            public_consent=True,
            consent_given_at=datetime(2026, 3, 1, tzinfo=UTC),
            consent_method="form",
        )
    logo = settings.MEDIA_ROOT / "logos" / "sample.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(b"\x89PNG fake but real bytes")
    return table_counts()


def run_manage(*arguments, database_url, media_root):
    environment = {
        **os.environ,
        "DEBUG": "True",
        "SECRET_KEY": "test-only-not-secret",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )


def make_backup(tmp_path):
    out = io.StringIO()
    call_command("backup", output_dir=tmp_path / "backups", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_a_backup_is_private_and_holds_the_dump_the_media_and_a_manifest(directory_with_history, tmp_path):
    path = make_backup(tmp_path)
    assert os.stat(path).st_mode & 0o777 == 0o600
    with tarfile.open(path) as archive:
        names = archive.getnames()
    assert "manifest.json" in names and "media/logos/sample.png" in names
    assert {"database.pgdump", "database.sqlite3"} & set(names)


@pytest.mark.postgres
def test_postgresql_round_trip_restores_the_same_rows_into_a_scratch_database(
    directory_with_history, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    path = make_backup(tmp_path)
    scratch = f"{connection.settings_dict['NAME']}_restore"
    db = connection.settings_dict
    server = (
        f"postgres://{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@{db['HOST']}:{db['PORT']}"
    )
    with connection.cursor() as cursor:  # autocommit: CREATE DATABASE cannot run in a transaction
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        result = run_manage("restore", path, database_url=f"{server}/{scratch}", media_root=tmp_path / "m2")
        assert result.returncode == 0, result.stderr
        restored = counts_via_psql(server, scratch)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    assert restored == directory_with_history
    assert restored["members_historicalmember"] >= 6  # creation + edit per member
    assert (tmp_path / "m2" / "logos" / "sample.png").read_bytes() == b"\x89PNG fake but real bytes"


def counts_via_psql(server, database):
    counts = {}
    for table in COUNTED_TABLES:
        out = subprocess.run(
            ["psql", f"{server}/{database}", "-tAc", f"SELECT COUNT(*) FROM {table}"],  # noqa: S608 (fixed names)
            capture_output=True,
            text=True,
            check=True,
        )
        counts[table] = int(out.stdout)
    return counts


def test_sqlite_round_trip_restores_the_same_rows_into_a_new_file(directory_with_history, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite copy path")
    path = make_backup(tmp_path)
    target = tmp_path / "restored.sqlite3"
    result = run_manage("restore", path, database_url=f"sqlite:///{target}", media_root=tmp_path / "m2")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as restored:
        query = "SELECT COUNT(*) FROM {}"
        counts = {t: restored.execute(query.format(t)).fetchone()[0] for t in COUNTED_TABLES}
    assert counts == directory_with_history
    assert (tmp_path / "m2" / "logos" / "sample.png").exists()


def test_restore_refuses_a_database_that_already_has_tables(directory_with_history, tmp_path):
    path = make_backup(tmp_path)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", path)


def test_restore_explains_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "nothing.tar.gz"))
