"""The documented production environment passes Django's deployment checks, and gunicorn serves
the site with it: compressed fingerprinted static files, security headers, a quiet access log."""

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def documented_production_environment():
    """The KEY=value lines of the README's "/etc/mechatrec/env" block, with a real secret key."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n# /etc/mechatrec/env[^\n]*\n(.*?)```", readme, re.S).group(1)
    variables = dict(line.split("=", 1) for line in block.splitlines() if line and not line.startswith("#"))
    assert variables["DEBUG"] == "False"
    variables["SECRET_KEY"] = secrets.token_urlsafe(50)
    return variables


def clean_environment(**variables):
    """This process's environment without the test settings, plus `variables`."""
    inherited = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    return {**inherited, "DJANGO_SETTINGS_MODULE": "mechatrec.settings", **variables}


def manage(*arguments, environment):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_check_deploy_passes_with_the_documented_production_environment():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        environment=clean_environment(**documented_production_environment()),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_the_workers_would_not_share_a_cache():
    environment = documented_production_environment()
    del environment["CACHE_URL"]
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", environment=clean_environment(**environment)
    )
    assert result.returncode != 0
    assert "mechatrec.W001" in result.stderr + result.stdout


def test_check_deploy_fails_when_a_security_setting_is_weakened():
    environment = documented_production_environment() | {"SESSION_COOKIE_SECURE": "False"}
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", environment=clean_environment(**environment)
    )
    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout


def test_without_secret_key_production_settings_refuse_to_start():
    environment = documented_production_environment()
    del environment["SECRET_KEY"]
    result = manage("check", environment=clean_environment(**environment))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_malformed_setting_stops_with_the_variables_name():
    environment = documented_production_environment() | {"BEHIND_PROXY": "perhaps"}
    result = manage("check", environment=clean_environment(**environment))
    assert result.returncode != 0
    assert "BEHIND_PROXY must be True or False" in result.stderr


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn_site(tmp_path_factory):
    """gunicorn with the production settings, after collectstatic, as `make serve` runs it."""
    work = tmp_path_factory.mktemp("serve")
    port = free_port()
    environment = clean_environment(
        **documented_production_environment()
        | {
            "ALLOWED_HOSTS": "membri.mechatrec.ro",
            # An empty SQLite file: /healthz and the privacy page need no tables.
            "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
            "CACHE_URL": "",
            "STATIC_ROOT": str(work / "static"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
        }
    )
    collected = manage("collectstatic", "--noinput", environment=environment)
    assert collected.returncode == 0, collected.stderr
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield {"port": port, "static": work / "static", "log": work / "gunicorn.log"}
    server.terminate()
    server.wait(timeout=10)
    log.close()


def fetch(site, path, **headers):
    """A request as nginx forwards it: HTTPS noted in X-Forwarded-Proto, client appended to XFF.
    Redirects are returned, not followed."""
    headers = {
        "Host": "membri.mechatrec.ro",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "203.0.113.77",
        **headers,
    }
    connection = http.client.HTTPConnection("127.0.0.1", site["port"], timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_collectstatic_writes_the_manifest_and_compressed_fingerprinted_files(gunicorn_site):
    static = gunicorn_site["static"]
    assert (static / "staticfiles.json").exists()
    fingerprinted = list((static / "css").glob("site.*.css"))
    assert fingerprinted and list((static / "css").glob("site.*.css.gz"))


def test_gunicorn_serves_pages_with_production_headers(gunicorn_site):
    status, headers, body = fetch(gunicorn_site, "/en/privacy/")
    assert status == 200
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    html = body.decode()
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)
    status, headers, _ = fetch(gunicorn_site, stylesheet, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


def test_gunicorn_answers_health_checks_over_plain_http_and_redirects_pages(gunicorn_site):
    status, _, body = fetch(gunicorn_site, "/healthz", **{"X-Forwarded-Proto": "http"})
    assert (status, body) == (200, b'{"status": "ok", "database": "ok"}')
    status, _, _ = fetch(gunicorn_site, "/en/privacy/", **{"X-Forwarded-Proto": "http"})
    assert status == 301


def test_gunicorn_refuses_an_unknown_host_and_an_oversized_request_line(gunicorn_site):
    assert fetch(gunicorn_site, "/en/privacy/", Host="evil.example")[0] == 400
    assert fetch(gunicorn_site, "/en/privacy/?q=" + "x" * 5000)[0] == 414  # URI Too Long


def test_the_access_log_records_requests_without_client_addresses(gunicorn_site):
    fetch(gunicorn_site, "/en/privacy/?q=ana.popescu", **{"User-Agent": "Ana's laptop"})
    time.sleep(0.3)
    log = gunicorn_site["log"].read_text()
    assert '"GET /en/privacy/" 200' in log
    for personal in ("203.0.113.77", "127.0.0.1 -", "ana.popescu", "Ana's laptop"):
        assert personal not in log


def test_read_replicas_without_a_shared_cache_are_refused(settings):
    from django.core.checks import run_checks

    settings.REPLICA_DATABASES = ["replica_1"]
    settings.CACHE_URL = ""
    assert "mechatrec.E002" in {message.id for message in run_checks()}
    settings.CACHE_URL = "redis://127.0.0.1:6379/1"
    assert "mechatrec.E002" not in {message.id for message in run_checks()}


def test_the_api_documentation_is_served_from_collected_static_files(gunicorn_site):
    status, headers, body = fetch(gunicorn_site, "/api/v1/explorer/")
    assert status == 200
    assert "default-src 'self'" in headers["Content-Security-Policy"]  # the site's policy, unchanged
    html = body.decode()
    for name in ("ninja/swagger-ui-bundle", "ninja/swagger-ui-init"):
        script = re.search(rf'src="(/static/{name}\.[0-9a-f]{{12}}\.js)"', html).group(1)
        assert fetch(gunicorn_site, script)[0] == 200
    status, _headers, body = fetch(gunicorn_site, "/api/v1/docs/")
    assert status == 200 and re.search(r'href="/static/css/api\.[0-9a-f]{12}\.css"', body.decode())
