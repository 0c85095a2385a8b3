"""Settings for the trial portal, read from the environment (README "Settings"; docs/contract.md).

The embedded SQLite default needs no set-up; production sets DATABASE_URL,
SECRET_KEY and ALLOWED_HOSTS. Every helper fails loudly on a bad value.
"""

import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name, default, minimum=0):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}, got {value!r}")
    return int(value)


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")


def site_origin(value, hosts):
    """SITE_ORIGIN, the portal's public address (https://trials.example.org): every absolute link the portal
    writes (canonical links, JSON-LD, CSV, feeds, sitemap) starts with it, never with the Host header a client
    sends, which a cached page would pass on to every later visitor. By default https:// and the first host
    ALLOWED_HOSTS names; with DEBUG on, http://127.0.0.1:8000 (what `make run` serves)."""
    if not value:
        named = [host for host in hosts if host != "*" and not host.startswith(".")]
        if DEBUG:
            return "http://127.0.0.1:8000"
        if not named:
            return ""  # no request is served without an allowed host: links stay relative
        value = f"https://{named[0]}"
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path.strip("/") or parts.query:
        raise ImproperlyConfigured(f"SITE_ORIGIN must be like https://trials.example.org (no path), got {value!r}")
    return f"{parts.scheme}://{parts.netloc}"


SITE_ORIGIN = site_origin(os.environ.get("SITE_ORIGIN", ""), ALLOWED_HOSTS)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "django_guid",
    "trials",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",  # first: every log line of a request carries its id
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.replicas.replica_middleware",  # GET/HEAD read a replica, the session and user included
    "django.middleware.locale.LocaleMiddleware",  # the language from the cookie set_language writes, else the browser's
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a locked-out login into its lockout page
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # No "SELECT 1" before each request's first query (a round trip on every page). After a database
        # restart, a worker's first request finds its connection broken and answers 503; Django then
        # drops that connection and the worker's next request opens a new one.
        conn_health_checks=False,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the importer writes; synchronous=NORMAL is durable in WAL mode
    # except for the last commits on power loss, and saves an fsync per transaction. One writer at a
    # time: a transaction takes the write lock as it begins (IMMEDIATE, so it never fails half-way on
    # a lock) and waits for it up to `timeout` seconds (Python's default is 5): longer than an import
    # holds it, shorter than gunicorn's 30 s, so a request that waits in vain still gets the 503 page.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Streaming read replicas of the primary, as "replica_1", "replica_2", ...: portal.replicas sends a
# request's reads there, writes and everything outside requests to the primary. Tests mirror them
# onto "default" (the test runner creates no database for them).
for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    DATABASES[f"replica_{number}"] = {
        **dj_database_url.parse(url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=False),
        "TEST": {"MIRROR": "default"},
    }
# PostgreSQL: parameters sent apart from the SQL, and a statement run 5 times on a connection prepared
# there, so the server parses and plans a record page's query once per connection, not on every page
# (planning was most of the database's work per page). PREPARED_STATEMENTS=0 turns this off for a pooler
# that cannot keep prepared statements (PgBouncer in transaction mode before 1.21: docs/deploy.md).
if env_bool("PREPARED_STATEMENTS", True):
    for database in DATABASES.values():
        if database["ENGINE"] == "django.db.backends.postgresql":
            database["OPTIONS"] = {**database.get("OPTIONS", {}), "server_side_binding": True, "prepare_threshold": 5}
# The memory a PostgreSQL sort or bitmap may take, set on each new connection (trials/search/backends.py). The
# server's default, 4MB, cannot hold a bitmap of every page of the search table past ~400,000 trials: it turns
# lossy, and PostgreSQL then reads every row on those pages again, with its text (words + status + phase at 500,000
# trials: its ranking query 80 -> 40 ms). 16MB holds them up to ~1,500,000 trials (docs/deploy.md).
DATABASE_WORK_MEM = os.environ.get("DATABASE_WORK_MEM", "16MB")
if not re.fullmatch(r"[1-9][0-9]*(kB|MB|GB)", DATABASE_WORK_MEM):
    raise ImproperlyConfigured(f"DATABASE_WORK_MEM must be a size like 16MB, got {DATABASE_WORK_MEM!r}")
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["portal.replicas.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins from a locked-out address before checking the password
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Each language named in its own language, as the language switcher lists them.
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

WHITENOISE_MAX_AGE = 3600  # files without a content hash in their name; hashed ones are cached for ten years


def cache_from_url(url):
    """CACHE_URL: empty or locmem:// for this process's memory, redis://… or rediss://… for a shared Redis."""
    if not url or url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": url[len("locmem://") :]}
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url == "dummy://":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL must start with locmem://, redis:// or rediss://, got {url!r}")


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", ""))}

# Exports (trials/throttle.py; docs/deploy.md "Exports"): at most EXPORT_SLOTS stream at once on one host (lock files
# in EXPORT_SLOT_DIR, shared by its worker processes), by default a third of gunicorn's workers, so the others keep
# serving pages; each is cut off after EXPORT_SECONDS, inside gunicorn's 30 s timeout; an address may ask for
# EXPORT_RATE exports a minute.
EXPORT_SLOTS = env_int("EXPORT_SLOTS", max(1, env_int("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1) // 3), 1)
EXPORT_SLOT_DIR = os.environ.get("EXPORT_SLOT_DIR") or os.path.join(tempfile.gettempdir(), "portal-export-slots")
EXPORT_SECONDS = env_int("EXPORT_SECONDS", 20, 1)
EXPORT_RATE = env_int("EXPORT_RATE", 30, 1)

ADMIN_URL = os.environ.get("ADMIN_URL") or "admin/"  # empty means unset, as for the booleans
if not ADMIN_URL.endswith("/") or ADMIN_URL.strip("/") == "" or ADMIN_URL.startswith("/"):
    raise ImproperlyConfigured(f"ADMIN_URL must be a path like 'staff-a8f3/' (no leading slash), got {ADMIN_URL!r}")

# Security headers on every response: Django's defaults already send nosniff, Referrer-Policy and
# Cross-Origin-Opener-Policy same-origin, X-Frame-Options DENY and HttpOnly session cookies
# (tests/test_production.py asserts them). HSTS is sent on HTTPS responses only; cookies are
# HTTPS-only unless DEBUG. Behind a proxy that ends TLS, X-Forwarded-Proto says the request was HTTPS.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers check each app server over plain HTTP
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp): our pages load only their own stylesheet and scripts, with no
# inline script or style; the JSON-LD block is data, which the policy does not govern. With DEBUG on
# the policy is report-only, so Django's debug pages (inline styles) still render.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}
if DEBUG:
    CONTENT_SECURITY_POLICY_REPORT_ONLY, CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY, None

# Admin sign-in (django-axes): after 5 failed attempts from one address, that address is locked out for
# an hour; a successful sign-in clears the count. Behind N proxies, set TRUSTED_PROXY_COUNT=N so the
# address is read from X-Forwarded-For.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False
if TRUSTED_PROXY_COUNT := int(os.environ.get("TRUSTED_PROXY_COUNT", "0")):
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Every request gets an id (taken from a load balancer's X-Request-ID when it is a UUID), returned in
# the X-Request-ID header and written on each log line of that request, which go to stdout as JSON.
DJANGO_GUID = {"GUID_HEADER_NAME": "X-Request-ID", "VALIDATE_GUID": True, "RETURN_HEADER": True, "EXPOSE_HEADER": False}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django_guid": {"level": "WARNING"}},
}
SIMPLE_HISTORY_REVERT_DISABLED = True  # a version holds related rows the revert form cannot restore
