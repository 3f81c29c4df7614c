"""Stateless app servers: two instances of the app on one PostgreSQL and one Redis.

Each instance is a real gunicorn process on its own port, reading the test database (committed
rows: `transaction=True`) and sharing the cache through Redis at 127.0.0.1:6379, as in the
README's "Running several app servers". A change saved once must be served by both on the next
request, and a login made on one must be valid on the other.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/7"
PASSWORD = "a-long-password-123"  # the `manager` fixture's

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (shared by both servers)"),
    # serialized_rollback: the flush after this test must not re-create content types behind
    # the back of later serialized_rollback tests (Django then inserts them twice).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "") + (
        f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    )
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def shared_cache(settings):
    """This test process bumps the cache version in the same Redis the servers read."""
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}


@pytest.fixture
def two_servers(shared_cache):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CACHE_URL": REDIS_URL,
        # Both servers must sign sessions and CSRF tokens with the same key.
        "SECRET_KEY": "two-servers-test-key-" + "k" * 40,
        "DEBUG": "True",  # serves static files without collectstatic; not what this test is about
        "AXES_ENABLED": "False",
        "LOG_LEVEL": "WARNING",
    }
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "mechatrec.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for port in ports
    ]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base in bases:
            wait_until_up(base)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def wait_until_up(base):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/admin/login/", timeout=2).close()  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{base} did not start")


def page(opener, url):
    with opener.open(url, timeout=10) as response:
        return response.status, response.geturl(), response.read().decode()


def test_a_member_saved_once_is_served_by_both_servers_on_the_next_request(two_servers, make_member):
    first, second = two_servers
    member = make_member(name="Ștefănescu Senzori SRL", short_description_ro="Senzori pentru roboți.")
    profile = f"/ro/members/{member.slug}/"
    opener = urllib.request.build_opener()
    for base in (first, second):
        assert "Senzori pentru roboți." in page(opener, base + profile)[2]

    member.short_description_ro = "Senzori inteligenți și metrologie."
    member.save()

    for base in (second, first):
        status, _url, html = page(opener, base + profile)
        assert status == 200
        assert "Senzori inteligenți și metrologie." in html
        assert "Senzori pentru roboți." not in html


def test_a_login_made_on_one_server_is_valid_on_the_other(two_servers, manager):
    first, second = two_servers
    # One cookie jar for both: cookies are matched on the host, 127.0.0.1, not on the port.
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    _status, _url, form = page(opener, f"{first}/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    fields = {"username": "manager", "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"}
    opener.open(f"{first}/admin/login/", data=urllib.parse.urlencode(fields).encode(), timeout=10).close()

    status, url, html = page(opener, f"{second}/admin/")

    assert status == 200
    assert url == f"{second}/admin/"  # not redirected to the login form
    assert "manager" in html


def test_competence_locality_and_contact_changes_are_served_by_both_servers_on_the_next_request(
    two_servers, make_member, competences
):
    from django.utils import timezone

    from members.models import ContactPerson, Locality

    first, second = two_servers
    locality = Locality.objects.get(slug="voluntari")
    member = make_member(name="Doi Servere SRL", locality=locality, competences=[competences[0]])
    directory, profile = "/en/members/", f"/en/members/{member.slug}/"
    opener = urllib.request.build_opener()
    for base in (first, second):  # both pages cached on both servers
        page(opener, base + directory)
        page(opener, base + profile)

    competences[0].name_en = "Competence renamed on one server"
    competences[0].save()
    locality.name = "Voluntari Renamed"
    locality.save()
    ContactPerson.objects.create(
        member=member,
        name="Ioana Doi",
        public_consent=True,
        consent_given_at=timezone.now(),
        consent_method="signed form",
    )

    for base in (second, first):
        listing = page(opener, base + directory)[2]
        assert "Competence renamed on one server" in listing
        assert "Voluntari Renamed" in listing
        assert "Ioana Doi" in page(opener, base + profile)[2]
