"""Public reads on a real PostgreSQL streaming replica (DATABASE_REPLICA_URLS).

The test starts its own primary and a replica of it (pg_basebackup, tools/own_postgres.py) and
gunicorn on them, with Redis as the shared cache. It pauses the replica's replay to make it lag
as long as it needs, then checks what a visitor and a signed-in user are shown.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tools.own_postgres import OwnPostgres, server_binaries

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/9"

pytestmark = [
    pytest.mark.postgres,
    # The site under test has its own databases; run once, in the PostgreSQL pass of the suite.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="run in the PostgreSQL pass"),
    pytest.mark.skipif(server_binaries() is None, reason="needs PostgreSQL's server binaries"),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def page(url, cookie=None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (127.0.0.1)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except urllib.error.URLError:
        return 0, ""  # not listening yet


@pytest.fixture(scope="module")
def replicated_site():
    """(base URL, primary, replica, environment) of gunicorn on a primary and a streaming replica."""
    # Not pytest's tmp_path: its parents are closed to the `postgres` user the servers run as.
    work = Path(tempfile.mkdtemp(prefix="mechatrec-replication-"))
    work.chmod(0o755)
    primary = OwnPostgres(work / "primary", free_port()).init().start()
    replica = None
    server = None
    try:
        primary.execute("CREATE DATABASE mechatrec")
        env = {
            **os.environ,
            "DATABASE_URL": f"{primary.url}/mechatrec",
            "CACHE_URL": REDIS_URL,
            "SECRET_KEY": "replica-test-" + "r" * 40,
            "DEBUG": "True",
            "AXES_ENABLED": "False",
            "LOG_LEVEL": "WARNING",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True)
        member = (
            "from members.models import Member; Member.objects.create(name='Replica Robotics SRL', "
            "category='enterprise', is_published=True, short_description_en='Robots for replicas.')"
        )
        subprocess.run([*manage, "shell", "-c", member], cwd=ROOT, env=env, check=True, capture_output=True)
        replica = OwnPostgres(work / "replica", free_port()).replica_of(primary).start()
        replica.wait_until_ready()
        env["DATABASE_REPLICA_URLS"] = f"{replica.url}/mechatrec"
        subprocess.run(["redis-cli", "-n", "9", "flushdb"], check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "mechatrec.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while page(f"{base}/healthz")[0] != 200:
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield base, primary, replica, env
    finally:
        if server:
            server.terminate()
            server.wait(timeout=20)
        if replica:
            replica.remove()
        primary.remove()
        shutil.rmtree(work, ignore_errors=True)


def forget_cached_pages():
    subprocess.run(["redis-cli", "-n", "9", "flushdb"], check=True, capture_output=True)


def save_through_the_app(env, slug, text):
    """A change saved as the admin saves it: model save, signals, the commit."""
    code = (
        "from members.models import Member; "
        f"m = Member.objects.get(slug={slug!r}); m.short_description_en = {text!r}; m.save()"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True)


def test_visitors_read_the_replica_signed_in_users_the_primary_and_a_saved_change_shows_despite_lag(
    replicated_site,
):
    base, primary, replica, env = replicated_site
    ((slug,),) = primary.execute(
        "SELECT slug FROM members_member WHERE is_published ORDER BY slug LIMIT 1", "mechatrec"
    )
    profile = f"{base}/en/members/{slug}/"
    assert page(profile)[0] == 200

    # The replica stops replaying; a change that bypasses the app reaches only the primary.
    replica.execute("SELECT pg_wal_replay_pause()")
    primary.execute(
        "UPDATE members_member SET short_description_en = 'Changed behind the app' WHERE slug = %s",
        "mechatrec",
        (slug,),
    )
    forget_cached_pages()
    status, html = page(profile)
    assert status == 200
    assert "Changed behind the app" not in html  # built from the lagging replica

    # Someone signed in (a session cookie) is served from the primary, never from the cache.
    assert "Changed behind the app" in page(profile, cookie="sessionid=any")[1]

    # A change saved through the app shows to visitors at once, though the replica still lags:
    # the page is built from the primary and cached as current.
    save_through_the_app(env, slug, "Saved by the manager")
    status, html = page(profile)
    assert status == 200
    assert "Saved by the manager" in html
    assert page(profile)[1] == html  # the cached copy is the current one

    # Replaying again, the replica serves visitors what the manager saved.
    replica.execute("SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 20
    while replica.execute(
        "SELECT short_description_en FROM members_member WHERE slug = %s", "mechatrec", (slug,)
    ) != [("Saved by the manager",)]:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.2)
    forget_cached_pages()
    assert "Saved by the manager" in page(profile)[1]


def test_an_unreachable_replica_leaves_the_pages_to_the_primary(replicated_site):
    base, primary, replica, _env = replicated_site
    ((slug,),) = primary.execute(
        "SELECT slug FROM members_member WHERE is_published ORDER BY slug DESC LIMIT 1", "mechatrec"
    )
    replica.stop("immediate")
    try:
        forget_cached_pages()
        status, html = page(f"{base}/en/members/{slug}/")
        assert status == 200
    finally:
        replica.start()
        replica.wait_until_ready()
