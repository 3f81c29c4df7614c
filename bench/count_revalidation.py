"""Instructions per 304 (issue 23): the early answer (mechatrec/wsgi.py) against Django's own 304
and the framework floor, counted by callgrind, so a busy machine does not blur them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mechatrec_bench CACHE_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/count_revalidation.py [--requests 50]

Each row calls a WSGI application directly, as gunicorn does (gunicorn's own cost per request,
parsing and writing HTTP, comes on top of every row alike and is not counted):
- the floor: `/bench/ok` through Django (bench.settings: the production middleware);
- the directory, a search and a profile revalidated with their current ETag, answered by
  `mechatrec.wsgi.application` (early) and by `mechatrec.wsgi.django_application` (Django).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"directory": "/ro/members/?category=enterprise", "search": "/ro/members/?q=automatizari"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    return parser.parse_args()


def under_callgrind(folder):
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={folder}/out.%p",
               sys.executable, __file__, *sys.argv[1:]]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0", "BENCH_CALLGRIND_FOLDER": folder}
    return subprocess.run(command, env=env, stderr=subprocess.DEVNULL, check=False).returncode


def call(application, path, headers=None):
    from django.test import RequestFactory

    answer = {}

    def start_response(status, response_headers):
        answer["status"], answer["headers"] = status, dict(response_headers)

    environ = RequestFactory().get(path, headers=headers or {}, SERVER_NAME="127.0.0.1").environ
    b"".join(application(environ, start_response))
    return answer["status"], answer["headers"]


def counted(folder, application, path, headers, requests):
    pid = str(os.getpid())
    for _ in range(5):
        call(application, path, headers)

    def control(*options):
        subprocess.run(["callgrind_control", *options, pid], check=True, capture_output=True)

    control("--instr=on")
    control("--zero")
    for _ in range(requests):
        call(application, path, headers)
    control("--dump")
    control("--instr=off")
    newest = max(Path(folder).glob(f"out.{pid}.*"), key=lambda path: path.stat().st_mtime)
    text = newest.read_text()
    match = re.search(r"^summary:\s*(\d+)", text, re.M) or re.search(r"^totals:\s*(\d+)", text, re.M)
    return int(match.group(1)) / requests


def main():
    args = parse_args()
    folder = os.environ.get("BENCH_CALLGRIND_FOLDER")
    if folder is None:
        with tempfile.TemporaryDirectory(prefix="callgrind-") as folder:
            return under_callgrind(folder)
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {"DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "False", "SECRET_KEY": "bench-" + "x" * 50,
         "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "False", "LOG_LEVEL": "ERROR",
         "STATIC_ROOT": str(ROOT / "bench" / "work" / "static")}
    )  # fmt: skip
    from mechatrec.wsgi import application, django_application

    status, headers = call(django_application, "/ro/members/")
    PAGES["profile"] = re.search(r'href="(/ro/members/[^"?/]+/)"', _body(django_application)).group(1)
    floor = counted(folder, django_application, "/bench/ok", {}, args.requests)
    print(f"{'row':40} {'k instr/req':>11} {'floor ÷ row':>11}")
    print(f"{'floor (/bench/ok), Django':40} {floor / 1e3:11.0f} {1:11.2f}")
    for name, path in PAGES.items():
        etag = call(django_application, path)[1]["ETag"]
        for label, app in (("early", application), ("Django", django_application)):
            assert call(app, path, {"if-none-match": etag})[0].startswith("304"), (name, label)
            instructions = counted(folder, app, path, {"if-none-match": etag}, args.requests)
            print(
                f"{f'{name}, 304 {label}':40} {instructions / 1e3:11.0f} {floor / instructions:11.2f}",
                flush=True,
            )
    return 0


def _body(application):
    from django.test import RequestFactory

    environ = RequestFactory().get("/ro/members/", SERVER_NAME="127.0.0.1").environ
    return b"".join(application(environ, lambda *a: None)).decode()


if __name__ == "__main__":
    sys.exit(main())
