"""Settings for the benchmark only: the production settings plus a floor URL and a query counter.

Never used by the public site. `bench/run.py` starts gunicorn with DJANGO_SETTINGS_MODULE set to
this module, so every measured page goes through exactly the production middleware stack.
"""

from mechatrec.settings import *  # noqa: F403 (the whole production configuration)
from mechatrec.settings import BASE_DIR, MIDDLEWARE, TEMPLATES

ROOT_URLCONF = "bench.urls"
# Outermost, so the count covers every query of the request, middleware included.
MIDDLEWARE = ["bench.middleware.count_queries", *MIDDLEWARE]
# The straightforward page's templates (bench/straightforward.py).
TEMPLATES = [{**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]}]
