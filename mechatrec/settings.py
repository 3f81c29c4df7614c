"""
Settings for the MECHATREC member directory.

Everything that differs between machines comes from the environment, is read once here and
fails loudly when it is malformed. Every variable is listed in README.md ("Configuration").
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("true", "1", "yes", "on"):
        return True
    if value.lower() in ("false", "0", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string (see README, 'Production'); "
            "the server refuses to start without it when DEBUG is False."
        )
    # Development only: a key that lives as long as the process. Never used with DEBUG=False.
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # its templates, for /sitemap.xml (mechatrec.sitemaps)
    "django_filters",
    "import_export",
    "simple_history",
    "sorl.thumbnail",
    "mechatrec.apps.LoginProtectionConfig",  # django-axes, named for the admin's sidebar
    "csp",
    # django-ninja (the API): listed so its Swagger UI files are served from our static files.
    "ninja",
    "members",
    "opportunities",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mechatrec.middleware.PrivateByDefaultMiddleware",
    # Outside everything that may answer early (the / → /ro/ redirect, the 400 for an unknown
    # Host or a NUL character), so those answers carry the headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "mechatrec.middleware.NulCharactersMiddleware",
    # Turns "database unreachable" raised by a view into a 503 with Retry-After, not a 500.
    "mechatrec.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mechatrec.middleware.SameInEveryLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes wants to be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mechatrec.urls"
WSGI_APPLICATION = "mechatrec.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Unset DATABASE_URL means an SQLite file next to manage.py, so `make run` works anywhere.
# PostgreSQL is the production database: DATABASE_URL=postgres://user:pass@host:5432/name
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES:
    # Needed for the unaccent/trigram tools; only on PostgreSQL so SQLite keeps working.
    INSTALLED_APPS.insert(INSTALLED_APPS.index("django_filters"), "django.contrib.postgres")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Fail fast when the database is unreachable instead of hanging a worker.
            "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 3),
            # Per connection, for a web workload of many short concurrent queries (bench/README.md):
            # - statement_timeout: a runaway query must not hold a worker forever;
            # - random_page_cost: PostgreSQL's default (4) assumes spinning disks and then walks
            #   the name index past thousands of rows instead of the category+name one;
            # - max_parallel_workers_per_gather: parallel workers speed up one query but, with
            #   every app worker busy, cost throughput (a search at 100,000 members: 4.3 → 6.7/s);
            # - jit off: compiling a query takes longer than our queries run.
            "options": (
                f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT_MS', 10000)}"
                f" -c random_page_cost={float(env_str('DB_RANDOM_PAGE_COST', '1.1'))}"
                f" -c max_parallel_workers_per_gather={env_int('DB_PARALLEL_WORKERS', 0)}"
                " -c jit=off"
            ),
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})

# DATABASE_REPLICA_URLS=postgres://…@replica1/mechatrec,postgres://…@replica2/mechatrec: PostgreSQL
# streaming replicas for anonymous public reads; staff, forms, imports and writes use the primary.
# A replica behind the last saved change is not read from (mechatrec/replicas.py, README).
REPLICA_DATABASES = []
for number, url in enumerate(filter(None, map(str.strip, env_str("DATABASE_REPLICA_URLS").split(","))), 1):
    replica = dj_database_url.parse(
        url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    if replica["ENGINE"] != "django.db.backends.postgresql" or not IS_POSTGRES:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS are PostgreSQL replicas of a PostgreSQL DATABASE_URL."
        )
    # The same session settings as the primary; tests read the primary under the replica's name.
    replica["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], **replica.get("OPTIONS", {})}
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{number}"] = replica
    REPLICA_DATABASES.append(f"replica_{number}")
DATABASE_ROUTERS = ["mechatrec.replicas.PublicReadsToReplicas"] if REPLICA_DATABASES else []

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# CACHE_URL=redis://127.0.0.1:6379/1 shares the cache between app servers; unset means a
# per-process memory cache (fine for one server).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# DIRECTORY_CACHE=off makes public pages bypass the page cache (see members.cache): every page is
# rendered, as one nobody asked for before; template fragments and reference data still come
# from the cache. The benchmark's "cold" runs use it. The version number is still bumped, so
# turning it back on never serves anything stale.
DIRECTORY_CACHE = env_bool("DIRECTORY_CACHE", True)
# Every save through Django bumps the version at once; a change that sends no signal (a queryset
# update(), SQL, another program) shows once the version expires: at most this many seconds.
CACHE_VERSION_SECONDS = env_int("CACHE_VERSION_SECONDS", 120)
# Public pages tell shared caches (nginx, a CDN) to keep them this long (s-maxage), then to serve
# them stale for up to HTTP_STALE_SECONDS while one request fetches the new version.
HTTP_CACHE_SECONDS = env_int("HTTP_CACHE_SECONDS", 60)
# Requests per client address to the API (/api/v1/) that are not served from the page cache,
# as "number/period" (s, min, hour, day): more gets 429 Too Many Requests.
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "120/min")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", API_THROTTLE_RATE):
    raise ImproperlyConfigured(f"API_THROTTLE_RATE must look like 120/min, not {API_THROTTLE_RATE!r}")
HTTP_STALE_SECONDS = env_int("HTTP_STALE_SECONDS", 300)
# nginx's proxy_cache_path, for `manage.py purge_proxy_cache` (README, "HTTP caching").
PROXY_CACHE_DIR = env_str("PROXY_CACHE_DIR", "")
# The Excel export refuses a selection of more members than this (2 to 5 s and 0.8 MB per
# 5,000 rows on a busy 2-core machine, built in memory); the streamed CSV and JSON exports have no limit.
XLSX_MAX_ROWS = env_int("XLSX_MAX_ROWS", 5_000)

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes must come first so a locked-out login never reaches the model backend.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ADMIN_URL = env_str("ADMIN_URL", "admin/").strip("/") + "/"
if ADMIN_URL == "/":
    raise ImproperlyConfigured("ADMIN_URL must be a path such as 'gestiune-x7k2/', not the site root.")

# django-axes: lock after 5 failures for a username or an IP, for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Behind the documented nginx the TCP peer is the proxy; the client's address is the entry the
# trusted proxies appended to X-Forwarded-For (see mechatrec/security.py).
AXES_CLIENT_IP_CALLABLE = "mechatrec.security.client_ip"
# Lockout and login events are logged, but never with who or from where (GDPR).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "user_agent"]
# Data minimisation: keep failed attempts (needed for the lockout), not a register of who logged
# in from where; the masked log line records that a login happened.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ro"
LANGUAGES = [("ro", "Română"), ("en", "English")]
# Ours first; then Romanian for Django's, simple-history's and import-export's own admin strings
# where their catalogues use cedilla letters or have none (locale_overrides/ro/…/django.po).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Bucharest")
USE_I18N = True
USE_TZ = True
# A visitor's explicit choice (the language switcher) is kept for a year in this cookie; `/` and
# the admin then use it before Accept-Language. A preference, not tracking: no consent needed.
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# Where `make backup` writes; keep it off the web root and copy it off the machine.
BACKUP_DIR = Path(env_str("BACKUP_DIR") or BASE_DIR / "var" / "backups")
# MEDIA_STORAGE=s3 keeps uploaded logos in an S3-compatible bucket, so app servers share no disk.
# It needs the optional `django-storages[s3]` package; credentials come from the standard
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment variables, read by boto3, never from here.
MEDIA_STORAGE = env_str("MEDIA_STORAGE") or "filesystem"
if MEDIA_STORAGE == "filesystem":
    MEDIA_STORAGE_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    if not env_str("MEDIA_S3_BUCKET"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET (the bucket's name).")
    MEDIA_STORAGE_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("MEDIA_S3_BUCKET"),
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env_str("MEDIA_S3_REGION") or None,
            "custom_domain": env_str("MEDIA_S3_CUSTOM_DOMAIN") or None,
            # Logos are public: plain URLs, no expiring signatures in cached pages.
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'filesystem' or 's3', not {MEDIA_STORAGE!r}")
STORAGES = {
    "default": MEDIA_STORAGE_BACKEND,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Logos are small; refuse anything bigger before it reaches the image decoder.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

THUMBNAIL_PRESERVE_FORMAT = True
THUMBNAIL_DEBUG = False

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
# How many reverse proxies append to X-Forwarded-For in front of gunicorn (nginx alone: 1).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
if TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 1 or more.")
if BEHIND_PROXY:
    # Only trust X-Forwarded-Proto from the documented reverse proxy.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe /healthz over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Preloading HSTS binds the whole registrable domain (mechatrec.ro), which is the cluster's
# decision, not this application's: keep it opt-in and do not let `check --deploy` nag about it.
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Staff sessions end after SESSION_COOKIE_AGE seconds, and when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# No page script reads the CSRF cookie (forms carry the token), so hide it from scripts too.
CSRF_COOKIE_HTTPONLY = True

# The map's tiles (/map/): {z}/{x}/{y} image addresses on one host, which the CSP below allows
# for images and nothing else. One fixed host: no {s} subdomains, so the CSP names exactly it.
MAP_TILE_URL = env_str("MAP_TILE_URL") or "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION") or "© OpenStreetMap contributors"
_tiles = urlsplit(MAP_TILE_URL)
if (
    _tiles.scheme not in ("https", "http")
    or not _tiles.hostname
    or "{" in _tiles.netloc
    or not all(part in MAP_TILE_URL for part in ("{z}", "{x}", "{y}"))
):
    raise ImproperlyConfigured(
        "MAP_TILE_URL must be an http(s) address on one fixed host holding {z}, {x} and {y}, "
        f"not {MAP_TILE_URL!r}"
    )
MAP_TILE_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc}"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", MAP_TILE_ORIGIN],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# Everything goes to standard error (gunicorn/systemd collect it). Named loggers only set their
# level and propagate to the root handler. No personal data is logged: axes masks usernames and
# addresses (AXES_SENSITIVE_PARAMETERS); gunicorn's access log omits client addresses.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL},
        "members": {"handlers": [], "level": LOG_LEVEL},
        "mechatrec": {"handlers": [], "level": LOG_LEVEL},
        "axes": {"handlers": [], "level": LOG_LEVEL},
        # Scanners send random Host headers all day; the 400 answers them, a traceback per
        # request would bury real errors.
        "django.security.DisallowedHost": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SITE_NAME = "MECHATREC"
# Where people write to have their data corrected or removed (shown on the privacy page).
PRIVACY_EMAIL = env_str("PRIVACY_EMAIL", "privacy@mechatrec.example")
SITE_MOTTO = _("Mechatronics for the future!")
# The cluster office's public address, in the footer, on the home page and the membership page.
CLUSTER_CONTACT_EMAIL = env_str("CLUSTER_CONTACT_EMAIL", "contact@mechatrec.example")

# --- E-mail (update links, approval outcomes, yearly verification) ---------------------------
# Django's backend from the environment: SMTP in production, the console while developing.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be True")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MECHATREC <noreply@mechatrec.example>")
# The site's address in e-mailed links (no request to take it from in a cron job).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The cluster office's inbox: messages sent through the contact forms (opportunities, member
# profiles) and expiry warnings for what the office posted arrive here. Never shown on a page.
# `check --deploy` warns while it is the example address (opportunities.checks).
CLUSTER_OFFICE_EMAIL = env_str("CLUSTER_OFFICE_EMAIL", "office@mechatrec.example")
# Messages a client address may send through the contact forms per hour.
CONTACT_RATE_LIMIT = env_int("CONTACT_RATE_LIMIT", 5)
# How long a personal update link works.
UPDATE_LINK_DAYS = env_int("UPDATE_LINK_DAYS", 30)
