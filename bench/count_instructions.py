"""Instructions per request of the public pages, counted by callgrind: repeatable on a busy machine.

    DATABASE_URL=postgres://…/db .venv/bin/python bench/count_instructions.py [ROW …] [--requests 10]

On the database `make bench` leaves (144 members, logos in bench/work/media):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mechatrec_bench MEDIA_ROOT=bench/work/media \
        .venv/bin/python bench/count_instructions.py

The same URLs, settings and caches (off) as bench/profile_page.py, in one process that starts
itself again under `valgrind --tool=callgrind` with PYTHONHASHSEED=0 (string hashing changes
the instructions a dict lookup takes). Each URL is warmed up with counting off, then counted over
`--requests` requests. ROW: part of a row's name ("search", "unfiltered") to count only those.
Wall-clock figures move with the neighbours' load; these do not (the same count twice, to
about 0.1 %, with the other core busy), so a change's effect on the page's Python shows here
even when `make bench` cannot tell it from noise. About a minute for every URL. Needs valgrind.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANCHOR = "straightforward page (anchor)"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="*", help="Count only the rows whose name contains one of these.")
    parser.add_argument("--requests", type=int, default=10)
    return parser.parse_args()


def under_callgrind(folder):
    """Run this script again under callgrind, counting nothing until it says so."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={folder}/callgrind.out.%p",
        sys.executable,
        __file__,
        *sys.argv[1:],
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0", "BENCH_CALLGRIND_FOLDER": folder}
    # valgrind's own messages go to stderr; the figures come on stdout.
    return subprocess.run(command, env=env, stderr=subprocess.DEVNULL, check=False).returncode


def counted(folder, client, url, requests):
    """Instructions of `requests` GETs of `url`, after five uncounted ones."""
    pid = str(os.getpid())
    for _ in range(5):
        assert client.get(url).status_code == 200, url

    def control(*options):
        subprocess.run(["callgrind_control", *options, pid], check=True, capture_output=True)

    control("--instr=on")
    control("--zero")
    for _ in range(requests):
        client.get(url)
    control("--dump")
    control("--instr=off")
    newest = max(Path(folder).glob(f"callgrind.out.{pid}.*"), key=lambda path: path.stat().st_mtime)
    text = newest.read_text()
    match = re.search(r"^summary:\s*(\d+)", text, re.M) or re.search(r"^totals:\s*(\d+)", text, re.M)
    return int(match.group(1))


def main():
    args = parse_args()
    folder = os.environ.get("BENCH_CALLGRIND_FOLDER")
    if folder is None:
        with tempfile.TemporaryDirectory(prefix="callgrind-") as folder:
            return under_callgrind(folder)
    sys.path.insert(0, str(ROOT))
    from bench.profile_page import Client, urls  # sets the bench settings up (caches off)

    targets = urls()
    if args.rows:  # the anchor always, for the ratio
        wanted = [ANCHOR, *args.rows]
        targets = {name: url for name, url in targets.items() if any(part in name for part in wanted)}
    client = Client()
    per_request = {
        name: counted(folder, client, url, args.requests) / args.requests for name, url in targets.items()
    }
    anchor = per_request.get(ANCHOR)
    print(f"{'page':36} {'M instr/req':>11}  {'÷ anchor':>8}  URL")
    for name, instructions in per_request.items():
        ratio = f"{instructions / anchor:8.3f}" if anchor else ""
        print(f"{name:36} {instructions / 1e6:11.2f}  {ratio}  {targets[name]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
