"""Start the site as production runs it (gunicorn, DEBUG=False, collected static files) on a
throw-away SQLite database with the 144 demo members, for `make audit` and `make screenshots`.

Nothing of the developer's own database or media is touched: everything lives in a temporary
folder that is removed afterwards.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# Which pages exist is asked of Django, so the tools follow the URL configuration. A page whose
# URL name does not exist (yet) is reported and left out.
_PAGE_URLS = """
import json
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from members.models import Competence, Member

def url(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None

pages = {}
with translation.override("ro"):
    # A profile at its fullest: with a logo (an image to size and load) and similar members.
    published = Member.objects.published().order_by("name")
    member = published.exclude(logo="").filter(competences__isnull=False).first() or published.first()
    pages["home"] = url("members:home")
    pages["directory"] = url("members:directory")
    # A filter a visitor would pick: enterprises with the most common competence.
    competence = Competence.objects.annotate(n=Count("members")).order_by("-n", "slug").first()
    pages["directory-filtered"] = pages["directory"] and (
        f"{pages['directory']}?category=enterprise&competence={competence.slug}"
    )
    pages["profile"] = member and url("members:profile", slug=member.slug)
    pages["membership"] = url("members:membership")
print(json.dumps(pages))
"""


def production_environment(folder):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mechatrec.settings",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),  # new per run; nothing to keep
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CACHE_URL": "",
        # Plain http on 127.0.0.1: no TLS redirect, no secure-only cookies, no HSTS.
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }


def _manage(env, *args):
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr.strip()}")
    return result.stdout


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_answering(url, server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (our own local server)
            return
        except urllib.error.HTTPError:
            return  # it answers, even if not with 200
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within {seconds} s")


@contextmanager
def production_server(log=print):
    """Yield (base_url, pages) where pages maps "home", "directory", "directory-filtered"
    and "profile" to a path, or to None for a page the site does not have yet."""
    with tempfile.TemporaryDirectory(prefix="mechatrec-prod-") as tmp:
        folder = Path(tmp)
        env = production_environment(folder)
        log("Preparing a production-settings site with demo data (migrate, collectstatic, 144 members)…")
        _manage(env, "migrate", "--noinput")
        _manage(env, "collectstatic", "--noinput")
        _manage(env, "load_demo_data")
        pages = json.loads(_manage(env, "shell", "--no-imports", "-c", _PAGE_URLS).strip().splitlines()[-1])
        port = _free_port()
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "tools.production_wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "2", "--log-level", "warning"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,  # gunicorn.conf.py's access log; errors still show on stderr
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_answering(f"{base_url}/static/css/site.css", server)
            log(f"Serving on {base_url} (gunicorn, DEBUG=False)")
            yield base_url, pages
        finally:
            server.terminate()
            server.wait(timeout=10)
