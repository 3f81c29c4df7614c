"""HTTP caching (issue 23): public pages through nginx's proxy_cache, and 304 answers from gunicorn.

    .venv/bin/python bench/http_cache.py [--seconds 10] [--database mechatrec_bench]

Uses the database `make bench` left (`bench/run.py`; any size) as it is, and nginx (`apt-get
install nginx-light`), started here on its own port with a configuration like the README's. Each
row is wrk, 8 connections, pinned to CPU 0 with the servers on CPU 1 (nginx: one worker):

- nginx serving a static file (the yardstick), and the directory, a search and a profile through
  nginx's proxy_cache, hot (warmed first; `X-Cache-Status: HIT` checked);
- the framework floor (`/bench/ok` from gunicorn) and the same pages answered `304 Not
  Modified` by gunicorn to `If-None-Match` with their current ETag.

Targets: pages through the proxy ≥ 0.5 × the static file; 304s ≥ 1.5 × the floor.
"""

import argparse
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

NGINX_PORT = 8767
CONFIG = """
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log error;
events {{ worker_connections 256; }}
http {{
    access_log off;
    proxy_cache_path {work}/cache levels=1:2 keys_zone=mechatrec:10m max_size=256m inactive=10m;
    server {{
        listen 127.0.0.1:{port};
        location = /static-file.html {{ root {work}; }}
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host 127.0.0.1;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache mechatrec;
            proxy_cache_key "$scheme://$host$request_uri";
            proxy_cache_bypass $cookie_sessionid;
            proxy_no_cache $cookie_sessionid;
            proxy_cache_revalidate on;
            proxy_cache_use_stale updating error timeout http_500 http_502 http_503;
            proxy_cache_background_update on;
            proxy_cache_lock on;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""


def wrk(url, seconds, headers=()):
    command = ["taskset", "-c", run.CLIENT_CPU, "wrk", "-t1", "-c8", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p99": run.latency(output, "99%"),
        "errors": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0,
    }


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (127.0.0.1 only)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (127.0.0.1 only)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database", default="mechatrec_bench")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=3)
    # mechatrec.wsgi:django_application measures the 304s without the early answer (wsgi.py).
    parser.add_argument("--app", default="mechatrec.wsgi:application")
    # Shared by the workers, as in production: one version number, so one ETag per page.
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args(argv)
    args.database_url = f"{args.postgres}/{args.database}"
    pages = {
        "directory": "/ro/members/?category=enterprise",
        "search": f"/ro/members/?q={run.SEARCH_WORD}",
        "profile": None,  # the first member the directory lists
    }
    base, proxy = f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{NGINX_PORT}"
    command = [run.VENV / "gunicorn", args.app, "--bind", f"127.0.0.1:{args.port}",
               "--workers", str(args.workers), "--worker-class", "sync", "--log-level", "error",
               "--max-requests", "0"]  # fmt: skip
    server = run.start(command, run.server_env(args, cache=True), base + "/bench/ok")
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        (work / "cache").mkdir(mode=0o777)  # nginx's workers run as an unprivileged user
        work.chmod(0o755)
        (work / "cache").chmod(0o777)
        (work / "static-file.html").write_bytes(fetch(base + pages["directory"])[2])
        (work / "nginx.conf").write_text(CONFIG.format(work=work, port=NGINX_PORT, upstream=args.port))
        nginx = subprocess.Popen(["taskset", "-c", run.SERVER_CPU, "nginx", "-c", str(work / "nginx.conf"),
                                  "-g", "daemon off;"])  # fmt: skip
        try:
            time.sleep(1)
            html = fetch(base + "/ro/members/")[2].decode()
            pages["profile"] = re.search(r'href="(/ro/members/[^"?/]+/)"', html).group(1)
            rows = [("nginx, static file (yardstick)", wrk(f"{proxy}/static-file.html", args.seconds))]
            for name, path in pages.items():
                for _ in range(3):  # a miss, then hits
                    headers = fetch(proxy + path)[1]
                assert headers.get("X-Cache-Status") == "HIT", (path, headers.get("X-Cache-Status"))
                rows.append((f"{name} through nginx (HIT)", wrk(proxy + path, args.seconds)))
            rows.append(("floor (/bench/ok), gunicorn", wrk(f"{base}/bench/ok", args.seconds)))
            for name, path in pages.items():
                etag = fetch(base + path)[1]["ETag"]
                assert fetch(base + path, {"If-None-Match": etag})[0] == 304
                rows.append(
                    (f"{name}, 304 from gunicorn", wrk(base + path, args.seconds, [f"If-None-Match: {etag}"]))
                )
        finally:
            nginx.terminate()
            nginx.wait()
            run.stop(server)
    static, floor = rows[0][1]["rps"], rows[4][1]["rps"]
    print("| row | req/s | p99 ms | ÷ static file | ÷ floor |\n|---|---|---|---|---|")
    for name, result in rows:
        ratios = f"{result['rps'] / static:.2f} | {result['rps'] / floor:.2f}"
        print(f"| {name} | {result['rps']:.0f} | {result['p99']:.1f} | {ratios} |")


if __name__ == "__main__":
    main()
