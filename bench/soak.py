"""Faults under load (issue 17): visitors, two staff editors and imports against gunicorn on
PostgreSQL, while PostgreSQL is restarted, Redis is stopped and a gunicorn worker is killed.

    .venv/bin/python bench/soak.py [--phase-seconds 20] [--visitors 12] [--workers 3]

It starts its own PostgreSQL (tools/own_postgres.py, port 5499) and its own Redis (port 6399)
in bench/work/soak/, so stopping them disturbs nothing else on the machine; gunicorn runs the
production settings with the demo data. Phases, each --phase-seconds long, load running
throughout:

1. steady: visitors, the two editors (on the same five members, so they collide) and an import
   every few seconds (of other members);
2. PostgreSQL stopped for 5 s, then started again;
3. Redis stopped for 5 s, then started again;
4. one gunicorn worker killed (SIGKILL) halfway;
5. steady again.

It prints, per phase: visitor requests, answers by status, p50/p99; the seconds from PostgreSQL's
restart to the first uncached 200; then checks that no update was lost (every save the admin
accepted is in the member's history, and the member holds the last one), that no page is stale
after the last change, and that no visitor got a 5xx other than 503 with Retry-After. It exits
non-zero when a check fails.
"""

import argparse
import http.client
import itertools
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.own_postgres import OwnPostgres  # noqa: E402

VENV = ROOT / ".venv" / "bin"
WORK = ROOT / "bench" / "work" / "soak"
PG_PORT = 5499
REDIS_PORT = 6399
APP_PORT = 8791
DATABASE = "mechatrec_soak"
PASSWORD = "soak-editor-password-123"  # noqa: S105 (a throwaway database's users)
EDITORS = ("soak-editor-1", "soak-editor-2")
EDITED_MEMBERS = 5  # both editors edit the same ones, so their saves collide
OUTAGE_SECONDS = 5
# Words that match nothing cached: each search is rendered from the database.
SEARCH_WORDS = ("robot", "frezare", "senzori", "automatizari", "cnc", "laser", "software", "tehnica")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phase-seconds", type=float, default=20)
    parser.add_argument("--visitors", type=int, default=12, help="concurrent visitor connections")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    return parser.parse_args(argv)


# --- Services ----------------------------------------------------------------------------------


def app_env(database_url, cache_url):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "DEBUG": "False",
        "SECRET_KEY": "soak-only-" + "s" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "STATIC_ROOT": str(WORK / "static"),
        "MEDIA_ROOT": str(WORK / "media"),
        "AXES_ENABLED": "False",  # the editors log in many times from one address
        "LOG_LEVEL": "ERROR",
        "DB_CONN_MAX_AGE": "600",  # connections that outlive PostgreSQL's restart: the hard case
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def manage(env, *command, check=True):
    return subprocess.run(
        [VENV / "python", "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=check,
        capture_output=True,
        text=True,
    )


class Redis:
    def __init__(self, port):
        self.port = port
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            if (
                subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).returncode
                == 0
            ):
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def gunicorn_workers(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return [int(pid) for pid in children]


# --- Visitors ----------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.visits = []  # (time, phase, url kind, status, seconds, has Retry-After)
        self.phase = "setup"

    def visit(self, kind, status, seconds, retry_after):
        with self.lock:
            self.visits.append((time.monotonic(), self.phase, kind, status, seconds, retry_after))


def get(path, headers=None, timeout=15):
    """(status, headers, body) for a GET to the app; status 0 when the connection failed."""
    connection = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return 0, {}, ""
    finally:
        connection.close()


def visitor(recorder, stop, profiles, competences):
    rng = random.Random()
    while not stop.is_set():
        kind, path = rng.choice(
            [
                ("home", "/ro/"),
                ("directory", "/ro/members/"),
                ("filtered", f"/en/members/?competence={rng.choice(competences)}&category=enterprise"),
                # A different page number each time: rendered from the database, not the cache.
                ("search", f"/ro/members/?q={rng.choice(SEARCH_WORDS)}&page={rng.randint(1, 10**6)}"),
                ("profile", f"/ro/members/{rng.choice(profiles)}/"),
            ]
        )
        started = time.monotonic()
        status, headers, _body = get(path)
        recorder.visit(kind, status, time.monotonic() - started, "Retry-After" in headers)


# --- Staff editors -----------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The fields a browser would submit for the form with id `member_form`."""

    def __init__(self):
        super().__init__()
        self.fields = []
        self.in_form = False
        self.textarea = None
        self.select = None
        self.select_values = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "member_form":
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file", "image"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select, self.select_values = name, []
        elif tag == "option" and self.select and "selected" in attrs:
            self.select_values.append(attrs.get("value", ""))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            # Browsers drop the one newline that follows <textarea>.
            self.fields.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select:
            self.fields.extend((self.select, value) for value in self.select_values)
            self.select = None


class Browser:
    """A staff member's browser: cookies, CSRF, form posts."""

    def __init__(self):
        self.cookies = {}

    def request(self, method, path, fields=None):
        connection = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=30)
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Language": "en",  # the refusal is recognised by its English wording
        }
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{APP_PORT}{path}",
                "Origin": f"http://127.0.0.1:{APP_PORT}",
            }
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name] = rest.split(";")[0]
            return (
                response.status,
                response.getheader("Location", ""),
                response.read().decode("utf-8", "replace"),
            )
        except (OSError, http.client.HTTPException):
            return 0, "", ""
        finally:
            connection.close()

    def login(self, username):
        self.request("GET", "/admin/login/")
        status, _location, _body = self.request(
            "POST",
            "/admin/login/?next=/admin/",
            [
                ("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")),
                ("username", username),
                ("password", PASSWORD),
            ],
        )
        return status == 302


def editor(username, member_ids, outcome, stop):
    """Edits the English short description of the shared members, each save marked uniquely."""
    browser = Browser()
    while not browser.login(username):
        if stop.is_set():
            return
        time.sleep(0.5)
    for number in itertools.count():
        if stop.is_set():
            return
        member_id = member_ids[number % len(member_ids)]
        path = f"/admin/members/member/{member_id}/change/"
        status, _location, page = browser.request("GET", path)
        if status != 200:
            outcome["form not shown"][status] += 1
            time.sleep(0.3)
            continue
        form = FormFields()
        form.feed(page)
        marker = f"soak {username} save {number}"
        fields = [(name, marker if name == "short_description_en" else value) for name, value in form.fields]
        fields.append(("_continue", "1"))
        time.sleep(random.uniform(0, 0.3))  # reading the form: the other editor may save meanwhile
        status, location, page = browser.request("POST", path, fields)
        if status == 302:
            outcome["accepted"][member_id].append(marker)
        elif status == 200 and "since you opened it" in page:
            outcome["refused as changed meanwhile"][member_id] += 1
        elif status == 200:
            errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
            outcome["form errors"][";".join(errors)[:200]] += 1
        else:
            outcome["save failed"][status] += 1


def importer(env, rows, outcome, stop):
    """Every few seconds, a CSV import changing the phone of other members, as a manager would."""
    path = WORK / "import.csv"
    for number in itertools.count():
        if stop.wait(4):
            return
        phone = f"+40 21 {number:03d} 0000"
        lines = "".join(f"{name};{fiscal_code};{phone}\n" for name, fiscal_code in rows)
        path.write_text("name;fiscal_code;phone\n" + lines, encoding="utf-8")
        result = manage(env, "import_members", str(path), "--user", EDITORS[0], check=False)
        if result.returncode == 0:
            outcome["imports"].append(phone)
        else:
            reason = (result.stderr or result.stdout or "?").strip().splitlines()[-1][:160]
            outcome["import failed"][reason] += 1


# --- The run -----------------------------------------------------------------------------------


def percentile(values, share):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))]


def report_phase(recorder, phase):
    visits = [v for v in recorder.visits if v[1] == phase]
    codes = Counter(v[3] for v in visits)
    seconds = [v[4] for v in visits]
    without_retry_after = sum(1 for v in visits if v[3] == 503 and not v[5])
    print(
        f"| {phase} | {len(visits)} | "
        + ", ".join(f"{code or 'no answer'}: {count}" for code, count in sorted(codes.items()))
        + f" | {statistics.median(seconds) * 1000 if seconds else float('nan'):.0f}"
        f" | {percentile(seconds, 0.99) * 1000:.0f} | {without_retry_after} |"
    )
    return codes


def main(argv=None):
    args = parse_args(argv)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    postgres = OwnPostgres(WORK / "postgres", PG_PORT).init().start()
    redis = Redis(REDIS_PORT)
    redis.start()
    server = None
    failures = []
    try:
        postgres.execute(f'CREATE DATABASE "{DATABASE}"')
        env = app_env(f"{postgres.url}/{DATABASE}", f"redis://127.0.0.1:{REDIS_PORT}/0")
        print("== setting up: migrate, demo data, two editors", flush=True)
        manage(env, "migrate", "--noinput")
        manage(env, "compile_translations")
        manage(env, "load_demo_data")
        manage(env, "collectstatic", "--noinput")
        postgres.execute("ANALYZE", DATABASE)
        editors = "; ".join(
            f"User.objects.create_superuser('{name}', '{name}@example.org', '{PASSWORD}')" for name in EDITORS
        )
        manage(env, "shell", "-c", f"from django.contrib.auth.models import User; {editors}")
        first_published = "SELECT id FROM members_member WHERE is_published ORDER BY id LIMIT %s"
        ids = [row[0] for row in postgres.execute(first_published, DATABASE, (EDITED_MEMBERS * 2,))]
        edited, imported = ids[:EDITED_MEMBERS], ids[EDITED_MEMBERS:]
        profiles = [
            row[0] for row in postgres.execute("SELECT slug FROM members_member WHERE is_published", DATABASE)
        ]
        competences = [row[0] for row in postgres.execute("SELECT slug FROM members_competence", DATABASE)]

        server = subprocess.Popen(
            [VENV / "gunicorn", "mechatrec.wsgi:application", "--bind", f"127.0.0.1:{APP_PORT}",
             "--workers", str(args.workers), "--timeout", "30", "--log-level", "error"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(WORK / "gunicorn.log", "w"),  # noqa: SIM115
        )  # fmt: skip
        for _ in range(100):
            if get("/healthz")[0] == 200:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")

        recorder, stop = Recorder(), threading.Event()
        outcome = defaultdict(lambda: defaultdict(list)) | {
            "form not shown": Counter(), "refused as changed meanwhile": Counter(), "form errors": Counter(),
            "save failed": Counter(), "imports": [], "import failed": Counter(),
        }  # fmt: skip
        threads = [threading.Thread(target=visitor, args=(recorder, stop, profiles, competences))
                   for _ in range(args.visitors)]  # fmt: skip
        threads += [threading.Thread(target=editor, args=(name, edited, outcome, stop)) for name in EDITORS]
        import_rows = postgres.execute(
            "SELECT name, fiscal_code FROM members_member WHERE id = ANY(%s)", DATABASE, (imported,)
        )
        threads.append(threading.Thread(target=importer, args=(env, import_rows, outcome, stop)))
        for thread in threads:
            thread.start()

        half = args.phase_seconds / 2
        recorder.phase = "1 steady"
        time.sleep(args.phase_seconds)

        recorder.phase = "2 PostgreSQL restart"
        time.sleep(half / 2)
        postgres.stop("fast")
        time.sleep(OUTAGE_SECONDS)
        postgres.start()
        restarted_at = time.monotonic()
        time.sleep(args.phase_seconds - half / 2 - OUTAGE_SECONDS)

        recorder.phase = "3 Redis stopped"
        time.sleep(half / 2)
        redis.stop()
        time.sleep(OUTAGE_SECONDS)
        redis.start()
        time.sleep(args.phase_seconds - half / 2 - OUTAGE_SECONDS)

        recorder.phase = "4 worker killed"
        time.sleep(half)
        victim = gunicorn_workers(server.pid)[0]
        os.kill(victim, signal.SIGKILL)
        time.sleep(half)

        recorder.phase = "5 steady"
        time.sleep(args.phase_seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

        print(
            f"\n{args.visitors} visitors, 2 editors, an import every 4 s; gunicorn, {args.workers} workers\n"
        )
        print("| phase | requests | answers by status | p50 ms | p99 ms | 503 without Retry-After |")
        print("|---|---|---|---|---|---|")
        codes_by_phase = {
            phase: report_phase(recorder, phase) for phase in sorted({v[1] for v in recorder.visits})
        }

        searches_after = [
            v for v in recorder.visits if v[2] == "search" and v[0] >= restarted_at and v[3] == 200
        ]
        if searches_after:
            recovered = searches_after[0][0] - restarted_at
            print(f"\nfirst uncached 200 after PostgreSQL started again: {recovered:.1f} s")
        else:
            failures.append("no uncached page answered 200 after PostgreSQL's restart")

        accepted = outcome["accepted"]
        print(
            f"\neditors: {sum(len(m) for m in accepted.values())} saves accepted, "
            f"{sum(outcome['refused as changed meanwhile'].values())} refused as changed meanwhile, "
            f"save failures by status {dict(outcome['save failed'])}, "
            f"form not shown by status {dict(outcome['form not shown'])}, "
            f"form errors {dict(outcome['form errors'])}"
        )
        print(f"imports: {len(outcome['imports'])} committed, failures {dict(outcome['import failed'])}")

        # No lost update: every accepted save is in the history, and the member holds the last one.
        for member_id, markers in accepted.items():
            saved = "SELECT short_description_en FROM members_historicalmember WHERE id = %s"
            history = {row[0] for row in postgres.execute(saved, DATABASE, (member_id,))}
            lost = [marker for marker in markers if marker not in history]
            if lost:
                failures.append(f"member {member_id}: accepted saves missing from the history: {lost}")
            (current,) = postgres.execute(
                "SELECT short_description_en, slug FROM members_member WHERE id = %s", DATABASE, (member_id,)
            )
            (latest,) = postgres.execute(
                "SELECT short_description_en FROM members_historicalmember WHERE id = %s "
                "ORDER BY history_date DESC, history_id DESC LIMIT 1", DATABASE, (member_id,),
            )  # fmt: skip
            if current[0] != latest[0]:
                failures.append(
                    f"member {member_id}: holds {current[0]!r}, its last saved version is {latest[0]!r}"
                )
            # No stale page: the public profile shows what the database holds now.
            status, _headers, body = get(f"/en/members/{current[1]}/")
            if status != 200 or current[0] not in body:
                failures.append(f"member {member_id}: profile ({status}) does not show {current[0]!r}")
        if outcome["imports"]:
            phones = {row[0] for row in postgres.execute(
                "SELECT phone FROM members_member WHERE id = ANY(%s)", DATABASE, (imported,)
            )}  # fmt: skip
            if phones != {outcome["imports"][-1]}:
                failures.append(
                    f"imported members hold {phones}, the last import set {outcome['imports'][-1]}"
                )

        for phase, codes in codes_by_phase.items():
            bad = {code: n for code, n in codes.items() if code >= 500 and code != 503}
            if bad:
                failures.append(f"{phase}: visitors got {bad}")
            # The one request in flight on the killed worker may be cut off; no more.
            lost = codes.get(0, 0)
            if lost > (1 if phase.startswith("4") else 0):
                failures.append(f"{phase}: {lost} visitor requests got no answer")
        if any(v[3] == 503 and not v[5] for v in recorder.visits):
            failures.append("a 503 came without Retry-After")
        if any(v[3] == 503 for v in recorder.visits if not v[1].startswith("2")):
            failures.append("503s outside the PostgreSQL outage")
        alive = gunicorn_workers(server.pid)
        print(f"gunicorn workers alive at the end: {len(alive)} of {args.workers}")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        redis.stop()
        postgres.remove()

    print("\nchecks: " + ("all passed" if not failures else "FAILED"))
    for failure in failures:
        print(f"- {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
