"""When things break, visitors get a short page in their language, never a traceback or a hang."""

import socket
import time

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse


def refuse_connections(*args, **kwargs):
    raise OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')


@pytest.fixture
def database_down(monkeypatch):
    """Every attempt to reach the database fails the way psycopg2 fails when PostgreSQL is down."""
    monkeypatch.setattr(connection, "ensure_connection", refuse_connections)


def test_a_public_page_answers_503_with_retry_after_when_the_database_is_down(client, database_down):
    response = client.get(reverse("members:profile", kwargs={"slug": "any-member"}))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "The directory is temporarily unavailable" in text
    assert "10.0.0.5" not in text and "OperationalError" not in text


def test_the_503_page_is_in_the_visitors_language(client, database_down):
    response = client.get("/en/members/any-member/")
    assert response.status_code == 503
    assert '<html lang="en">' in response.content.decode()


def test_the_503_page_keeps_the_security_headers_and_is_not_cached(client, database_down):
    response = client.get(reverse("members:profile", kwargs={"slug": "any-member"}))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"


def test_health_check_reports_a_reachable_database(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_reports_an_unreachable_database_with_503(client, database_down):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.postgres
def test_a_real_refused_postgresql_connection_gives_503_within_seconds(
    client, django_db_blocker, monkeypatch, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    # Point the real connection at a port nobody listens on; psycopg2 really tries to connect.
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connection.settings_dict, "PORT", str(closed_port()))
    with django_db_blocker.unblock():
        connection.close()
        started = time.monotonic()
        response = client.get(reverse("members:profile", kwargs={"slug": "any-member"}))
        elapsed = time.monotonic() - started
        connection.close()
    assert response.status_code == 503
    assert elapsed < settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] + 1


def test_a_crashing_view_shows_the_500_page_in_the_visitors_language(db, settings):
    settings.ROOT_URLCONF = "tests.crashing_urls"
    response = Client(raise_request_exception=False).get("/en/crash/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong on our side" in text
    assert '<html lang="en">' in text and 'class="site-header"' in text
    assert "hunter2" not in text and "RuntimeError" not in text and "Traceback" not in text


def test_the_403_page_is_the_sites_own(client, staff_without_rights):
    client.force_login(staff_without_rights)
    response = client.get(reverse("admin:members_member_changelist"))
    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


def test_the_404_page_speaks_romanian_under_ro(client, db):
    response = client.get("/ro/members/no-such-member/")
    assert response.status_code == 404
    text = response.content.decode()
    assert '<html lang="ro">' in text and 'class="site-header"' in text


@pytest.mark.postgres
def test_a_database_that_accepts_but_never_answers_gives_503_after_the_connect_timeout(
    client, django_db_blocker, monkeypatch, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    # A server that completes the TCP handshake (listen backlog) and then says nothing: the
    # "hung database" case, where only connect_timeout stops the worker from waiting forever.
    with socket.socket() as silent_server:
        silent_server.bind(("127.0.0.1", 0))
        silent_server.listen(8)
        monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(connection.settings_dict, "PORT", str(silent_server.getsockname()[1]))
        with django_db_blocker.unblock():
            connection.close()
            started = time.monotonic()
            response = client.get(reverse("members:profile", kwargs={"slug": "any-member"}))
            elapsed = time.monotonic() - started
            connection.close()
    timeout = settings.DATABASES["default"]["OPTIONS"]["connect_timeout"]
    assert response.status_code == 503
    assert timeout - 0.5 < elapsed < timeout + 1.5


@pytest.mark.postgres
def test_postgresql_cuts_off_any_query_after_the_statement_timeout(db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "10s"
        # Shorten it for this transaction only, and watch a slow query being cancelled.
        cursor.execute("SET LOCAL statement_timeout = 100")
        with pytest.raises(OperationalError, match="statement timeout"):
            cursor.execute("SELECT pg_sleep(2)")
