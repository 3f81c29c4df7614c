"""Stream the full public CSV export in-process and print its size, time and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mechatrec_bench DEBUG=False SECRET_KEY=x \
        .venv/bin/python bench/export_probe.py
"""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mechatrec.settings")

import django  # noqa: E402

django.setup()

from django.test import RequestFactory  # noqa: E402

from members import views  # noqa: E402

started = time.perf_counter()
response = views.export_csv(RequestFactory().get("/ro/members/export.csv"))
size = lines = 0
for chunk in response.streaming_content:
    size += len(chunk)
    lines += chunk.count(b"\n")
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
elapsed = time.perf_counter() - started
print(f"{lines - 1} rows, {size / 1e6:.1f} MB in {elapsed:.1f} s; peak RSS {peak_mb:.0f} MB")
