"""`make bench`: the directory under a fixed load, at 144 and 100,000 members, beside Datasette.

Read bench/README.md first. In short: reset a PostgreSQL database, migrate, load the demo data,
then for each size start gunicorn (production settings, pinned to one CPU) twice, once with every
directory cache bypassed (cold) and once with caches on (hot), and drive each page with wrk
(pinned to the other CPU). The framework floor (/bench/ok) is measured in the same run. Prints one
table per size and writes it to bench/results/<date>-<size>.md.
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


# The tables PostgreSQL's triggers keep (migrations 0006–0008).
TRIGGER_KEPT_TABLES = (
    "members_facetcell",
    "members_competencefacetcell",
    "members_competencetotal",
    "members_searchfacts",
)


def vacuum(args):
    connection = psycopg2.connect(args.database_url)
    connection.autocommit = True  # VACUUM cannot run in a transaction
    with connection.cursor() as cursor:
        # generate_members loads in one transaction, so the tables its triggers keep hold every
        # row's earlier versions too (the search copy twice its live size: bench/README.md).
        # Rewritten, they are at their live size, as after the VACUUM FULL the README advises
        # after a large import (a directory grown by edits sits between the two: autovacuum
        # reuses the space but keeps some slack).
        cursor.execute(f"VACUUM FULL {', '.join(TRIGGER_KEPT_TABLES)}")
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


def cpu_seconds(pid):
    """User + system CPU time of a process and its children (gunicorn's master and workers)."""
    total = 0
    for process in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total / CLOCK_TICKS


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


def measure_all(base, urls, pid, args):
    """Every URL's figures, measured in rounds so that each one sees the same machine.

    On a shared 2-core machine one CPU's speed drifts by 10–20 % within minutes. Measured one
    after the other, 20 s each, two pages' CPU ratio took that drift in (the same page read 0.41
    of the anchor in one run and 0.51 in the next). So each URL's seconds are cut into
    `args.rounds` slices, taken in turn (floor, anchor, home, …, floor, anchor, …): every URL,
    the anchor included, is sampled across the whole span, and a slow minute costs them alike.
    """
    ordinary = {name: path for name, path in urls.items() if path not in STREAMING_CHECK}
    slices = {name: [] for name in ordinary}
    warmed = {name: warm_up(base, path, pid, args) for name, path in ordinary.items()}
    slice_seconds = max(1, round(args.seconds / args.rounds))
    for _ in range(args.rounds):
        for name, path in ordinary.items():
            if warmed[name]["status"] == 200:
                slices[name].append(measure_slice(base, path, pid, args.connections, slice_seconds, 10))
    measured = {name: combine(warmed[name], slices[name]) for name in ordinary}
    for name, path in urls.items():
        if path in STREAMING_CHECK:
            measured[name] = measure(base, path, pid, args)
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


def measure_slice(base, path, pid, connections, seconds, timeout):
    memory_before = worker_memory_mb(pid)
    before = cpu_seconds(pid)
    result = wrk(base + path, seconds, connections, timeout)
    result["cpu"] = cpu_seconds(pid) - before
    # When wrk stops, the workers still serve the requests it had sent (up to one per
    # connection); left running, that work would count in the next URL's slice.
    settle(pid)
    result["seconds"] = seconds
    result["memory_growth"] = worker_memory_mb(pid) - memory_before
    return result


def settle(pid, timeout=10):
    """Wait until the server has used no CPU for a quarter of a second (its orphaned requests done)."""
    deadline = time.monotonic() + timeout
    used = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        used, before = cpu_seconds(pid), used
        if used == before:
            return


def combine(warmed, slices):
    """One URL's figures over its slices. Latency percentiles cannot be merged exactly: p50 is
    the median of the slices' p50s and p99 the highest of their p99s (a bound, not an estimate)."""
    if warmed["status"] != 200:
        return warmed
    requests = sum(part["requests"] for part in slices)
    p50s = sorted(part["p50"] for part in slices)
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
    }


def measure(base, path, pid, args):
    """One URL in one piece (the streaming check): a warm-up, then `args.seconds` of load."""
    load = {"connections": args.connections, "seconds": args.seconds, "timeout": 10}
    load |= STREAMING_CHECK.get(path, {})
    load["seconds"] = args.seconds if args.quick else max(args.seconds, load["seconds"])
    warmed = warm_up(base, path, pid, args, load["connections"], load["timeout"])
    if warmed["status"] != 200:
        return warmed
    return combine(warmed, [measure_slice(base, path, pid, **load)])


def run_django(args, urls, cache):
    base = f"http://127.0.0.1:{args.port}"
    command = [VENV / "gunicorn", "mechatrec.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
               "--workers", str(args.workers), "--worker-class", "sync", "--log-level", "error",
               # No recycling (gunicorn.conf.py: max_requests): a replaced worker takes its CPU time
               # with it, and the CPU ms/req column would read low or even negative.
               "--max-requests", "0"]  # fmt: skip
    server = start(command, server_env(args, cache), base + "/bench/ok")
    try:
        return measure_all(base, urls, server.pid, args)
    finally:
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


def row(name, mode, result, floor_rps, anchor):
    if result["status"] != 200:
        label = {404: "not found", 0: "unreachable", "cut off": "(response incomplete)"}.get(
            result["status"], "error"
        )
        return f"| {name} | {mode} | {result['status']} {label} | | | | | | | | |"
    if not result["requests"]:  # every request outlasted the run: no figure means anything
        return f"| {name} | {mode} | 200, none finished in the run | | | | | | | | |"
    ratio = result["rps"] / floor_rps if floor_rps else 0
    anchor = against_anchor(result, anchor)
    errors = f" ({result['errors']} non-2xx)" if result["errors"] else ""
    return (
        f"| {name} | {mode} | 200{errors} | {result['rps']:.1f} | {result['p50']:.1f} | {result['p99']:.1f} "
        f"| {result['cpu_ms']:.2f} | {anchor} | {result['queries']} | {ratio:.2f} "
        f"| {result['memory_growth']:+.1f} |"
    )


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
        f"{args.workers} sync workers on CPU {SERVER_CPU}, wrk on CPU {CLIENT_CPU}.",
        "",
        "| page | mode | HTTP | req/s | p50 ms | p99 ms | CPU ms/req | CPU ÷ anchor (rounds) | SQL/req "
        "| × floor "
        "| worker MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for mode in ("cold", "hot"):
        floor = measured[mode]["floor (/bench/ok)"]
        floor_rps = floor.get("rps", 0)
        anchor = measured[mode].get(ANCHOR, {})
        lines += [row(name, mode, result, floor_rps, anchor) for name, result in measured[mode].items()]
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
