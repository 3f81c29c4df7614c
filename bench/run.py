"""`make bench`: the directory under a fixed load, at 144 and 100,000 members, beside Datasette.

Read bench/README.md first. In short: reset a PostgreSQL database, migrate, load the demo data,
then for each size start gunicorn (production settings, pinned to one CPU) twice, once with every
directory cache bypassed (cold) and once with caches on (hot), and drive each page with wrk
(pinned to the other CPU). The framework floor (/bench/ok) is measured in the same run, and so is
the CPU of the PostgreSQL backends serving the pages. Prints one table per size and writes it to
bench/results/<date>-<size>.md.
"""

import argparse
import datetime
import http.client
import os
import platform
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `bench.datasette`, whichever way this file is started

import psycopg2  # noqa: E402

from bench import datasette as datasette_side  # noqa: E402

VENV = ROOT / ".venv" / "bin"
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
SERVER_CPU, CLIENT_CPU = "1", "0"
DEMO_MEMBERS = 144
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SEARCH_WORD = "automatizari"  # "Automatizări" typed without diacritics
BROAD_SEARCH_WORD = "tehnica"  # in about 61 % of the synthetic members
CSV_ROWS_WANTED = 1000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=f"{DEMO_MEMBERS},100000", help="Member counts, comma-separated.")
    parser.add_argument("--seconds", type=int, default=20, help="Measured seconds per URL and mode.")
    parser.add_argument(
        "--rounds", type=int, default=5, help="Slices each URL's seconds are cut into, taken in turn."
    )
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (closed loop).")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database", default="mechatrec_bench", help="Dropped and re-created!")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="Server URL.")
    parser.add_argument("--cache-url", default="", help="CACHE_URL for the hot runs (default: local memory).")
    parser.add_argument("--no-datasette", action="store_true", help="Skip the Datasette comparison.")
    parser.add_argument("--quick", action="store_true", help="Smoke test: sizes 144 and 2,000, 2 s per URL.")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.seconds, args.rounds = f"{DEMO_MEMBERS},2000", 2, 1
    args.sizes = sorted(int(size) for size in args.sizes.split(","))
    if args.sizes[0] < DEMO_MEMBERS:
        parser.error(f"sizes start at {DEMO_MEMBERS}: the demo data is always loaded")
    args.database_url = f"{args.postgres}/{args.database}"
    return args


# --- Database ------------------------------------------------------------------------------------


def reset_database(args):
    admin = psycopg2.connect(f"{args.postgres}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{args.database}"')
    admin.close()


def sql(args, query, params=()):
    with psycopg2.connect(args.database_url) as connection, connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def vacuum(args):
    connection = psycopg2.connect(args.database_url)
    connection.autocommit = True  # VACUUM cannot run in a transaction
    with connection.cursor() as cursor:
        # The visibility map for index-only scans; generate_members has ANALYZEd what it loaded.
        cursor.execute("VACUUM ANALYZE")
    connection.close()


def server_env(args, cache):
    """Production settings, as a deployment would set them, on plain HTTP at 127.0.0.1."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        "DEBUG": "False",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "STATIC_ROOT": str(WORK / "static"),
        "MEDIA_ROOT": str(WORK / "media"),
        "LOG_LEVEL": "ERROR",  # 404s of pages not built yet would flood the output
        "DIRECTORY_CACHE": "on" if cache else "off",
        "CACHE_URL": args.cache_url if cache else "",
        # Each worker keeps its one connection for the server's whole life, so the PostgreSQL
        # backends whose CPU is measured (Backends) are the same from the first slice to the last.
        "DB_CONN_MAX_AGE": "86400",
    }
    return env


def manage(args, *command):
    subprocess.run([VENV / "python", "manage.py", *command], cwd=ROOT, env=server_env(args, True), check=True)


def load(args, size):
    synthetic = size - DEMO_MEMBERS
    manage(args, "generate_members", "--delete", *(["--count", str(synthetic)] if synthetic else []))
    vacuum(args)


# --- What to measure -----------------------------------------------------------------------------


def page_urls(competence, profile):
    """The pages of the issue (exports aside), for the most used competence and a demo profile."""
    return {
        "floor (/bench/ok)": "/bench/ok",
        "straightforward page (anchor)": "/bench/straightforward/",
        "home": "/ro/",
        "directory, unfiltered": "/ro/members/",
        "directory, category": "/ro/members/?category=enterprise",
        "directory, competence": f"/ro/members/?competence={competence}",
        "directory, category + competence": f"/ro/members/?category=enterprise&competence={competence}",
        "search (no diacritics)": f"/ro/members/?q={SEARCH_WORD}",
        "search, broad (tehnica)": f"/ro/members/?q={BROAD_SEARCH_WORD}",
        "search + filter, page 3": f"/ro/members/?q={SEARCH_WORD}&category=enterprise&page=3",
        "profile": f"/ro/members/{profile}/",
    }


def targets(args):
    """The URLs of the issue, with parameters chosen from the data that is loaded."""
    competence, competence_id = sql(
        args,
        """SELECT c.slug, c.id FROM members_competence c JOIN members_member_competences mc
           ON mc.competence_id = c.id GROUP BY c.id ORDER BY count(*) DESC, c.slug LIMIT 1""",
    )[0]
    (profile,) = sql(
        args, "SELECT slug FROM members_member WHERE NOT is_synthetic ORDER BY name_key LIMIT 1"
    )[0]
    export = urlencode(csv_filter(args))
    return {
        **page_urls(competence, profile),
        "CSV export, filtered": "/ro/members/export.csv" + (f"?{export}" if export else ""),
        # The streaming target: the workers' memory must grow by less than 50 MB for every row.
        "CSV export, all rows": "/ro/members/export.csv",
    }, competence_id


def csv_filter(args):
    """Category and/or competence whose published members number closest to 1,000."""
    rows = sql(
        args,
        """SELECT m.category, c.slug, count(*) FROM members_member m
           JOIN members_member_competences mc ON mc.member_id = m.id
           JOIN members_competence c ON c.id = mc.competence_id
           WHERE m.is_published GROUP BY m.category, c.slug""",
    )
    candidates = [({}, sql(args, "SELECT count(*) FROM members_member WHERE is_published")[0][0])]
    candidates += [({"category": category, "competence": slug}, count) for category, slug, count in rows]
    return min(candidates, key=lambda candidate: abs(candidate[1] - CSV_ROWS_WANTED))[0]


# --- Servers and load ----------------------------------------------------------------------------


def start(command, env, probe_url):
    server = subprocess.Popen(
        ["taskset", "-c", SERVER_CPU, *map(str, command)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if probe(probe_url)[0]:
            return server
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}: {' '.join(map(str, command))}")
        time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"server did not answer {probe_url} within 60 s")


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def probe(url):
    """(HTTP status or 0 when unreachable, SQL queries reported by the bench middleware)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (127.0.0.1 only)
            response.read()
            return response.status, response.headers.get("X-Bench-Queries")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Bench-Queries")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, None
    except http.client.HTTPException:  # e.g. a streamed export cut off by gunicorn's worker timeout
        return "cut off", None


def stat_fields(pid):
    """/proc/<pid>/stat from its field 3 (state) on, so fields[11] is field 14; None once it has gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def cpu_seconds(pid):
    """User + system CPU time of a process and its children (gunicorn's master and workers)."""
    total = 0
    for process in [pid, *children(pid)]:
        if fields := stat_fields(process):
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total / CLOCK_TICKS


class Backends:
    """The CPU time of the PostgreSQL backends serving the bench database (the workers' connections).

    The backends are the rows of pg_stat_activity for the database, read on a connection of our
    own (left out: its pid is pg_backend_pid()); their CPU comes from /proc/<pid>/stat like the
    server's (PostgreSQL runs on this machine). A snapshot also reads the CPU of every process the
    postmaster has reaped so far (its cutime + cstime): what ended during a slice, such as a
    parallel worker, cannot be counted as a backend but shows up there.
    """

    def __init__(self, args):
        self.database = args.database
        self.connection = psycopg2.connect(args.database_url)
        self.connection.autocommit = True  # each query its own transaction: pg_stat_activity afresh
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (own_pid,) = cursor.fetchone()
        self.postmaster = int(stat_fields(own_pid)[1])  # field 4, the parent process

    def close(self):
        self.connection.close()

    def cpu(self):
        """{(pid, start time): user + system CPU seconds} of each backend of the bench database."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.database,),
            )
            pids = [pid for (pid,) in cursor.fetchall()]
        found = {}
        for pid in pids:
            if fields := stat_fields(pid):  # None: it ended since the query
                # The start time (field 22) tells a new backend that got an old one's pid apart.
                found[pid, fields[19]] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        return found

    def snapshot(self):
        fields = stat_fields(self.postmaster)
        reaped = (int(fields[13]) + int(fields[14])) / CLOCK_TICKS  # cutime, cstime (fields 16, 17)
        return self.cpu(), reaped

    @staticmethod
    def used(before, after):
        """(CPU seconds of the backends between two snapshots, CPU seconds of PostgreSQL processes that
        ended between them: not in the first figure; any database's, parallel workers included).

        A backend first seen in `after` counts from 0. One seen in `before` only has ended: its
        CPU up to its end is in the postmaster's reaped time, less what it had used before."""
        (backends_before, reaped_before), (backends_after, reaped_after) = before, after
        used = sum(seconds - backends_before.get(key, 0) for key, seconds in backends_after.items())
        ended_earlier = sum(seconds for key, seconds in backends_before.items() if key not in backends_after)
        return used, max(0.0, reaped_after - reaped_before - ended_earlier)


def worker_memory_mb(pid):
    """Resident memory of the largest worker: what a streamed export must not grow."""
    sizes = [0]
    for child in children(pid):
        status = Path(f"/proc/{child}/status")
        if status.exists() and (match := re.search(r"VmRSS:\s+(\d+) kB", status.read_text())):
            sizes.append(int(match.group(1)) / 1024)
    return max(sizes)


def children(pid):
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            found += [int(child), *children(int(child))]
    return found


def wrk(url, seconds, connections, timeout=10):
    output = subprocess.run(
        ["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
         "--timeout", f"{timeout}s", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency(output, "50%"),
        "p99": latency(output, "99%"),
        "errors": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0,
    }


def latency(output, percentile):
    """A wrk latency percentile in milliseconds."""
    value, unit = re.search(rf"^\s+{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


# The full export is the streaming check (the worker's memory), not a load test: one download at
# a time, given long enough to finish, as eight concurrent 100,000-row downloads on one CPU never
# finish inside the measured seconds. Measured in one piece after the others.
# (A --quick run keeps its 2 s: it only proves the harness works.)
STREAMING_CHECK = {"/ro/members/export.csv": {"connections": 1, "seconds": 30, "timeout": 60}}


def measure_all(base, urls, pid, args, backends=None):
    """Every URL's figures, measured in rounds so that each one sees the same machine.

    On a shared 2-core machine one CPU's speed drifts by 10–20 % within minutes. Measured one
    after the other, 20 s each, two pages' CPU ratio took that drift in (the same page read 0.41
    of the anchor in one run and 0.51 in the next). So each URL's seconds are cut into
    `args.rounds` slices, taken in turn (floor, anchor, home, …, floor, anchor, …): every URL,
    the anchor included, is sampled across the whole span, and a slow minute costs them alike.
    With `backends` (the Django server's), each slice measures PostgreSQL's CPU too.
    """
    ordinary = {name: path for name, path in urls.items() if path not in STREAMING_CHECK}
    slices = {name: [] for name in ordinary}
    warmed = {name: warm_up(base, path, pid, args) for name, path in ordinary.items()}
    slice_seconds = max(1, round(args.seconds / args.rounds))
    for _ in range(args.rounds):
        for name, path in ordinary.items():
            if warmed[name]["status"] == 200:
                slices[name].append(
                    measure_slice(base, path, pid, args.connections, slice_seconds, 10, backends)
                )
    measured = {name: combine(warmed[name], slices[name]) for name in ordinary}
    for name, path in urls.items():
        if path in STREAMING_CHECK:
            measured[name] = measure(base, path, pid, args, backends)
    return {name: measured[name] for name in urls}  # in the order given


def warm_up(base, path, pid, args, connections=None, timeout=10):
    """A probe, then a quarter of `args.seconds` of load: imports, compiled templates, caches."""
    memory_before = worker_memory_mb(pid)
    status, queries = probe(base + path)
    if status == 200:
        wrk(base + path, max(1, args.seconds // 4), connections or args.connections, timeout)
        status, queries = probe(base + path)
    return {
        "status": status,
        "queries": queries or "–",
        "memory_growth": worker_memory_mb(pid) - memory_before,
    }


def measure_slice(base, path, pid, connections, seconds, timeout, backends=None):
    memory_before = worker_memory_mb(pid)
    before = cpu_seconds(pid)
    database_before = backends.snapshot() if backends else None
    result = wrk(base + path, seconds, connections, timeout)
    result["cpu"] = cpu_seconds(pid) - before
    if backends:
        result["db_cpu"], result["db_ended"] = Backends.used(database_before, backends.snapshot())
    # When wrk stops, the workers still serve the requests it had sent (up to one per
    # connection), and PostgreSQL their queries; left running, that work would count in the
    # next URL's slice.
    settle(pid, backends)
    result["seconds"] = seconds
    result["memory_growth"] = worker_memory_mb(pid) - memory_before
    return result


def settle(pid, backends=None, timeout=10):
    """Wait until the server, and its PostgreSQL backends, have used no CPU for a quarter of a
    second (its orphaned requests done)."""

    def cpu():
        return cpu_seconds(pid), backends.cpu() if backends else None

    deadline = time.monotonic() + timeout
    used = cpu()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        used, before = cpu(), used
        if used == before:
            return


def combine(warmed, slices):
    """One URL's figures over its slices. Latency percentiles cannot be merged exactly: p50 is
    the median of the slices' p50s and p99 the highest of their p99s (a bound, not an estimate)."""
    if warmed["status"] != 200:
        return warmed
    requests = sum(part["requests"] for part in slices)
    p50s = sorted(part["p50"] for part in slices)
    database = {}
    if slices and "db_cpu" in slices[0]:  # the Django server's; not Datasette's (SQLite, in process)
        database = {
            "db_cpu_ms": 1000 * sum(part["db_cpu"] for part in slices) / max(requests, 1),
            "db_ended_ms": 1000 * sum(part["db_ended"] for part in slices) / max(requests, 1),
        }
    return {
        **warmed,
        "requests": requests,
        "rps": requests / sum(part["seconds"] for part in slices),
        "p50": p50s[len(p50s) // 2],
        "p99": max(part["p99"] for part in slices),
        "errors": sum(part["errors"] for part in slices),
        "cpu_ms": 1000 * sum(part["cpu"] for part in slices) / max(requests, 1),
        # Per round, for the spread of a URL's CPU against the anchor's in the same round.
        "cpu_ms_by_round": [1000 * part["cpu"] / max(part["requests"], 1) for part in slices],
        "memory_growth": warmed["memory_growth"] + sum(part["memory_growth"] for part in slices),
        **database,
    }


def measure(base, path, pid, args, backends=None):
    """One URL in one piece (the streaming check): a warm-up, then `args.seconds` of load."""
    load = {"connections": args.connections, "seconds": args.seconds, "timeout": 10}
    load |= STREAMING_CHECK.get(path, {})
    load["seconds"] = args.seconds if args.quick else max(args.seconds, load["seconds"])
    warmed = warm_up(base, path, pid, args, load["connections"], load["timeout"])
    if warmed["status"] != 200:
        return warmed
    return combine(warmed, [measure_slice(base, path, pid, **load, backends=backends)])


def run_django(args, urls, cache):
    base = f"http://127.0.0.1:{args.port}"
    command = [VENV / "gunicorn", "mechatrec.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
               "--workers", str(args.workers), "--worker-class", "sync", "--log-level", "error",
               # No recycling (gunicorn.conf.py: max_requests): a replaced worker takes its CPU time
               # with it, and the CPU ms/req column would read low or even negative.
               "--max-requests", "0"]  # fmt: skip
    server = start(command, server_env(args, cache), base + "/bench/ok")
    backends = Backends(args)
    try:
        return measure_all(base, urls, server.pid, args, backends)
    finally:
        backends.close()
        stop(server)


def run_datasette(args, size, competence_id):
    datasette_side.ensure_venv()
    sqlite_path = datasette_side.export(args.database_url, WORK / "directory.db")
    pages = datasette_side.pages(sqlite_path, competence_id, SEARCH_WORD)
    port = args.port + 1
    base = f"http://127.0.0.1:{port}"
    server = start(datasette_side.command(sqlite_path, port), dict(os.environ), base + "/-/versions.json")
    try:
        return measure_all(base, pages, server.pid, args)
    finally:
        stop(server)


# --- Report --------------------------------------------------------------------------------------


def machine(args):
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    django = subprocess.run([VENV / "python", "-m", "django", "--version"], capture_output=True, text=True)
    return {
        "CPU": cpu.group(1) if cpu else platform.processor(),
        "cores": os.cpu_count(),
        "RAM": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "PostgreSQL": sql(args, "SHOW server_version")[0][0],
        "Python": platform.python_version(),
        "Django": django.stdout.strip(),
        "kernel": platform.release(),
    }


def rps(result):
    """A result's req/s for the comparison table, or its HTTP status when it has none."""
    if "rps" in result:
        return f"{result['rps']:.1f}"
    return str(result.get("status", "–"))


ANCHOR = "straightforward page (anchor)"
FLOOR = "floor (/bench/ok)"
COLUMNS = ("page", "mode", "HTTP", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "DB CPU ms/req",
           "(server + DB) ÷ floor", "CPU ÷ anchor (rounds)", "SQL/req", "× floor", "worker MB")  # fmt: skip


def cells(*values):
    """A table row: the values, then empty cells up to the table's width."""
    values = [*values, *[""] * (len(COLUMNS) - len(values))]
    return "| " + " | ".join(map(str, values)) + " |"


def row(name, mode, result, floor, anchor):
    if result["status"] != 200:
        label = {404: "not found", 0: "unreachable", "cut off": "(response incomplete)"}.get(
            result["status"], "error"
        )
        return cells(name, mode, f"{result['status']} {label}")
    if not result["requests"]:  # every request outlasted the run: no figure means anything
        return cells(name, mode, "200, none finished in the run")
    ratio = result["rps"] / floor["rps"] if floor.get("rps") else 0
    errors = f" ({result['errors']} non-2xx)" if result["errors"] else ""
    database, with_database = "–", "–"
    if "db_cpu_ms" in result:
        database = f"{result['db_cpu_ms']:.2f}"
        if floor.get("cpu_ms"):  # the floor's server CPU: /bench/ok makes no queries
            with_database = f"{(result['cpu_ms'] + result['db_cpu_ms']) / floor['cpu_ms']:.2f}"
    return cells(
        name, mode, f"200{errors}", f"{result['rps']:.1f}", f"{result['p50']:.1f}", f"{result['p99']:.1f}",
        f"{result['cpu_ms']:.2f}", database, with_database, against_anchor(result, anchor),
        result["queries"], f"{ratio:.2f}", f"{result['memory_growth']:+.1f}",
    )  # fmt: skip


def ended_note(measured):
    """The CPU of PostgreSQL processes that ended during the slices, which DB CPU ms/req leaves out."""
    ended = [
        f"{name} {mode} {result['db_ended_ms']:.2f}"
        for mode in ("cold", "hot")
        for name, result in measured[mode].items()
        if result.get("db_ended_ms", 0) >= 0.005
    ]
    if not ended:
        return []
    return [
        "",
        "Not in DB CPU ms/req: PostgreSQL processes that ended during the slices (parallel workers, "
        "or connections of any database that closed), CPU ms/req: " + "; ".join(ended) + ".",
    ]


def against_anchor(result, anchor):
    """CPU per request ÷ the anchor's, over the whole run, and its lowest and highest in a round."""
    if not anchor.get("cpu_ms"):
        return "–"
    text = f"{result['cpu_ms'] / anchor['cpu_ms']:.2f}"
    ours, theirs = result.get("cpu_ms_by_round", []), anchor.get("cpu_ms_by_round", [])
    if len(ours) > 1 and len(ours) == len(theirs):  # not for the streaming check, taken in one piece
        ratios = [mine / its for mine, its in zip(ours, theirs, strict=True) if its]
        text += f" ({min(ratios):.2f}–{max(ratios):.2f})"
    return text


def report(args, size, measured, datasette, facts):
    lines = [
        f"# Benchmark, {size:,} members, {datetime.date.today():%Y-%m-%d}",
        "",
        "Machine: " + "; ".join(f"{key} {value}" for key, value in facts.items()),
        f"Load: wrk, {args.connections} connections, {args.seconds:g} s per URL and mode in "
        f"{args.rounds} round{'s' if args.rounds > 1 else ''} (URLs taken in turn); gunicorn "
        f"{args.workers} sync workers on CPU {SERVER_CPU}, wrk on CPU {CLIENT_CPU}. DB CPU: the "
        f"PostgreSQL backends of database {args.database} (not pinned).",
        "",
        cells(*COLUMNS),
        "|" + "---|" * len(COLUMNS),
    ]
    for mode in ("cold", "hot"):
        floor = measured[mode][FLOOR]
        anchor = measured[mode].get(ANCHOR, {})
        lines += [row(name, mode, result, floor, anchor) for name, result in measured[mode].items()]
    lines += ended_note(measured)
    if datasette:
        lines += [
            "",
            "## Beside Datasette 0.65 (same rows in SQLite with FTS5, 2 facets, 25 rows a page)",
            "",
            "| page | ours cold req/s | ours hot req/s | Datasette req/s | Datasette CPU ms/req "
            "| ours cold ÷ Datasette |",
            "|---|---|---|---|---|---|",
        ]
        for name, theirs in datasette.items():
            cold, hot = measured["cold"].get(name, {}), measured["hot"].get(name, {})
            ratio = f"{cold['rps'] / theirs['rps']:.2f}" if "rps" in cold and theirs.get("rps") else "–"
            their_cpu = f"{theirs['cpu_ms']:.2f}" if "cpu_ms" in theirs else "–"
            lines.append(f"| {name} | {rps(cold)} | {rps(hot)} | {rps(theirs)} | {their_cpu} | {ratio} |")
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = result_path(size, args.quick)
    path.write_text(text)
    print(text)
    print(f"Written to {path.relative_to(ROOT)}\n", flush=True)


def result_path(size, quick):
    """bench/results/<date>-<size>[-quick].md, or -2, -3, … after it: a day's runs all kept."""
    stem = f"{datetime.date.today():%Y-%m-%d}-{size}{'-quick' if quick else ''}"
    path, number = RESULTS / f"{stem}.md", 1
    while path.exists():
        number += 1
        path = RESULTS / f"{stem}-{number}.md"
    return path


def main(argv=None):
    args = parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"Resetting database {args.database} …", flush=True)
    reset_database(args)
    manage(args, "migrate", "--noinput", "-v0")
    manage(args, "collectstatic", "--noinput", "-v0")
    manage(args, "load_demo_data")
    facts = machine(args)
    for size in args.sizes:
        print(f"\n== {size:,} members", flush=True)
        load(args, size)
        urls, competence_id = targets(args)
        measured = {mode: run_django(args, urls, cache=mode == "hot") for mode in ("cold", "hot")}
        datasette = None if args.no_datasette else run_datasette(args, size, competence_id)
        report(args, size, measured, datasette, facts)


if __name__ == "__main__":
    main()
