"""Datasette beside the directory: its own venv, the same members exported to SQLite with FTS5.

Used by bench/run.py; see bench/README.md. Datasette is installed into bench/venv-datasette so it
never touches the application's dependencies.
"""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg2

BENCH = Path(__file__).resolve().parent
VENV = BENCH / "venv-datasette"
DATASETTE = VENV / "bin" / "datasette"
REQUIREMENT = "datasette==0.65.*"
# The comparison settings: no facet suggestions, 1 s facet budget, 25 rows a page.
SETTINGS = ["suggest_facets", "off", "facet_time_limit_ms", "1000", "default_page_size", "25"]
FACETS = "_facet=category&_facet=locality_id"

SCHEMA = """
CREATE TABLE localities (id INTEGER PRIMARY KEY, name TEXT, county TEXT);
CREATE TABLE competences (id INTEGER PRIMARY KEY, slug TEXT, name_ro TEXT, name_en TEXT);
CREATE TABLE members (
    id INTEGER PRIMARY KEY, name TEXT, slug TEXT, category TEXT, size TEXT, founded INTEGER,
    locality_id INTEGER REFERENCES localities(id), short_description_ro TEXT,
    short_description_en TEXT, description_ro TEXT, description_en TEXT
);
CREATE TABLE member_competences (
    member_id INTEGER REFERENCES members(id), competence_id INTEGER REFERENCES competences(id)
);
-- The indexes any SQLite user would add for these facets and filters.
CREATE INDEX members_category ON members(category);
CREATE INDEX members_locality ON members(locality_id);
CREATE INDEX member_competences_competence ON member_competences(competence_id);
CREATE INDEX member_competences_member ON member_competences(member_id);
CREATE VIRTUAL TABLE members_fts USING fts5(
    name, description_ro, description_en, content="members", content_rowid="id",
    tokenize="unicode61 remove_diacritics 2"
);
"""

EXPORTS = {
    "localities": "SELECT id, name, county FROM members_locality",
    "competences": "SELECT id, slug, name_ro, name_en FROM members_competence",
    "members": """SELECT id, name, slug, category, size, founded, locality_id, short_description_ro,
        short_description_en, description_ro, description_en FROM members_member WHERE is_published""",
    "member_competences": """SELECT mc.member_id, mc.competence_id FROM members_member_competences mc
        JOIN members_member m ON m.id = mc.member_id WHERE m.is_published""",
}


def ensure_venv():
    """Create bench/venv-datasette with Datasette 0.65 unless it is there already."""
    if DATASETTE.exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", REQUIREMENT], check=True)


def export(database_url, sqlite_path):
    """Copy the published members, their competences and localities into a fresh SQLite file."""
    sqlite_path = Path(sqlite_path)
    sqlite_path.unlink(missing_ok=True)
    target = sqlite3.connect(sqlite_path)
    target.executescript(SCHEMA)
    with psycopg2.connect(database_url) as source:
        for table, query in EXPORTS.items():
            with source.cursor(name=f"export_{table}") as cursor:  # server-side: 100,000 rows stream
                cursor.execute(query)
                while rows := cursor.fetchmany(5000):
                    marks = ", ".join("?" * len(rows[0]))
                    target.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
    target.execute(
        "INSERT INTO members_fts (rowid, name, description_ro, description_en) "
        "SELECT id, name, description_ro, description_en FROM members"
    )
    target.commit()
    target.execute("ANALYZE")
    target.close()
    return sqlite_path


def command(sqlite_path, port):
    """The Datasette server command line (the caller pins it to a CPU)."""
    settings = [arg for name, value in zip(SETTINGS[::2], SETTINGS[1::2], strict=True) for arg in
                ("--setting", name, value)]  # fmt: skip
    return [str(DATASETTE), "serve", str(sqlite_path), "--host", "127.0.0.1", "--port", str(port), *settings]


def pages(sqlite_path, competence_id, word):
    """(name, path) of the pages equivalent to ours: the members table with two facets."""
    table = f"/{Path(sqlite_path).stem}/members"
    competence = json.dumps(
        {"table": "member_competences", "column": "competence_id", "value": competence_id}
    )
    through = f"_through={quote(competence)}"
    return {
        "directory, unfiltered": f"{table}?{FACETS}",
        "directory, category": f"{table}?category=enterprise&{FACETS}",
        "directory, competence": f"{table}?{through}&{FACETS}",
        "search (no diacritics)": f"{table}?_search={word}&{FACETS}",
    }
