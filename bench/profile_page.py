"""CPU per request of the public pages, in process, with production settings and caches bypassed.

    DATABASE_URL=postgres://…/db .venv/bin/python bench/profile_page.py [--requests 200] [--profile URL]

Logos come from MEDIA_ROOT (default: media/, where `manage.py load_demo_data` draws them).
Runs every directory URL of bench/run.py (and a profile) through django.test.Client with
DJANGO_SETTINGS_MODULE=bench.settings, DEBUG=False and DIRECTORY_CACHE=off, and prints
`time.process_time()` per request (the server's CPU), the best of five batches: on a shared
machine the neighbours' load only ever adds to it.
`--profile URL` prints a cProfile of that URL instead.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "False",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "LOG_LEVEL": "ERROR",
        "DIRECTORY_CACHE": os.environ.get("DIRECTORY_CACHE", "off"),
        "CACHE_URL": "",
        "STATIC_ROOT": os.environ.get("STATIC_ROOT", str(ROOT / "bench" / "work" / "static")),
    }
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # the manifest {% static %} reads
    call_command("collectstatic", interactive=False, verbosity=0)

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.run import page_urls  # noqa: E402


def urls():
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.slug FROM members_competence c JOIN members_member_competences mc
               ON mc.competence_id = c.id GROUP BY c.id ORDER BY count(*) DESC, c.slug LIMIT 1"""
        )
        (competence,) = cursor.fetchone()
        cursor.execute("SELECT slug FROM members_member WHERE NOT is_synthetic ORDER BY name_key LIMIT 1")
        (profile,) = cursor.fetchone()
    return {**page_urls(competence, profile), "directory, unfiltered (en)": "/en/members/"}


def cpu_per_request(client, url, requests, batches=5):
    """CPU ms of one request: the best of `batches` batches (neighbours' load only adds to it)."""
    for _ in range(5):  # warm-up: template loader, translations, thumbnails
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    per_batch = max(1, requests // batches)
    best = float("inf")
    for _ in range(batches):
        start = time.process_time()
        for _ in range(per_batch):
            client.get(url)
        best = min(best, (time.process_time() - start) / per_batch * 1000)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", help="URL (or row name) to profile with cProfile instead.")
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()
    client = Client()
    targets = urls()
    if args.profile:
        url = targets.get(args.profile, args.profile)
        cpu_per_request(client, url, 5)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            client.get(url)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(args.lines)
        stats.sort_stats("tottime").print_stats(args.lines)
        return
    print(f"{'page':36} {'CPU ms/req':>10}  SQL  URL")
    for name, url in targets.items():
        ms = cpu_per_request(client, url, args.requests)
        queries = client.get(url).headers.get("X-Bench-Queries", "?")
        print(f"{name:36} {ms:10.2f}  {queries:>3}  {url}")


if __name__ == "__main__":
    main()
