"""PostgreSQL's time for each query of a directory page: EXPLAIN (ANALYZE, BUFFERS) of what it ran.

    DATABASE_URL=postgres://…/db .venv/bin/python bench/explain_pages.py [--runs 5] [QUERY_STRING …]

Requests `/ro/members/?<query string>` through django.test.Client with caches off, captures its
SQL, then runs each statement again under EXPLAIN (ANALYZE, BUFFERS) on the same connection (so
with the settings' `random_page_cost` and the rest) and prints, per statement, the best execution
time of `--runs` and the buffers of the last run (hit + read, 8 kB pages). Without query strings:
pages 1, 100 and 2,000 unfiltered, by category, by the most used competence and a search, in every
sort order. `--plan` prints the plan of the page's rows (the statement that fetches the cards).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    {
        "DEBUG": "True",
        "DIRECTORY_CACHE": "off",
        "CACHE_URL": "",
        "LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "testserver",
    }
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mechatrec.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def most_used_competence():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.slug FROM members_competence c JOIN members_member_competences mc
               ON mc.competence_id = c.id GROUP BY c.id ORDER BY count(*) DESC, c.slug LIMIT 1"""
        )
        return cursor.fetchone()[0]


def default_queries():
    filters = ["", "category=enterprise", f"competence={most_used_competence()}", "q=automatizari"]
    queries = []
    for sort in ["", "sort=newest", "sort=oldest-founded", "sort=youngest-founded"]:
        for filter_ in filters if not sort else ["", "category=enterprise"]:
            for page in (1, 100, 2000):
                queries.append("&".join(part for part in (filter_, sort, f"page={page}") if part))
    return queries


def explain(sql, params, runs):
    best, buffers, plan = float("inf"), 0, None
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
            (result,) = cursor.fetchone()
            best = min(best, result[0]["Execution Time"])
            top = result[0]["Plan"]
            buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return best, buffers, plan


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("queries", nargs="*")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plan", action="store_true")
    args = parser.parse_args()
    client = Client()
    for query in args.queries or default_queries():
        client.get(f"/ro/members/?{query}")  # the first request also makes thumbnails, a session
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/ro/members/?{query}")
        assert response.status_code == 200, (query, response.status_code)
        # Reads only (not the transaction's BEGIN or the session's writes, if any).
        statements = [
            q["sql"] for q in captured.captured_queries if q["sql"].lstrip()[:6] in ("SELECT", "WITH m")
        ]
        total, page_line = 0.0, ""
        for sql in statements:
            # The captured SQL has its parameters inlined (quoted by psycopg), so it runs as is.
            ms, buffers, plan = explain(sql.replace("%", "%%"), [], args.runs)
            total += ms
            if '"members_member"."slug"' in sql:
                page_line = f"page rows {ms:7.2f} ms {buffers:6d} buffers"
                if args.plan:
                    page_line += "\n" + plan
        print(f"{query or '(unfiltered)':<60} {page_line}  all {len(statements)} queries {total:7.2f} ms")


if __name__ == "__main__":
    main()
