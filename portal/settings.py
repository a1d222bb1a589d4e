"""Settings for the policy portal, read from the environment.

Defaults are safe for one person on one machine: SQLite and every piece of runtime data
(database, uploaded originals, search index) live under one data folder, ``var/`` beside the
code unless ``PORTAL_DATA_DIR`` moves it, so two instances can run side by side from one
checkout. ``DATABASE_URL`` switches the database without touching code.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from portal import production
from portal.env import env_bool, env_int, env_list, env_path, env_str

# --- Paths -------------------------------------------------------------------------------------
BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env_path("PORTAL_DATA_DIR", BASE_DIR / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)
# DJANGO_ENV=production: required secrets and hosts, HTTPS only (see "Production" below).
DJANGO_ENV = production.environment(env_str("DJANGO_ENV"))
PRODUCTION = DJANGO_ENV == "production"


def _secret_key() -> str:
    """Use SECRET_KEY if given; otherwise keep a random one in the data folder.

    Production takes no such fallback: a key that changes with the data folder would log
    every editor out on a move, and a weak one signs sessions anyone can forge.
    """
    given = env_str("SECRET_KEY")
    if PRODUCTION:
        return production.strong_secret_key(given)
    if given:
        return given
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


# --- Core --------------------------------------------------------------------------------------
SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",  # django.contrib.admin with the portal's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "portal",
    "documents",
    # Before haystack: its rebuild_index and clear_index are replaced by refusals (see
    # search/management/commands/rebuild_index.py).
    "search",
    "quality",  # evaluation, fuzzing, benchmark and load-test commands; no pages
    "haystack",
    "huey.contrib.djhuey",  # the task queue's worker: manage.py run_huey
    "portal.apps.LoginLockoutConfig",  # django-axes: failed-login lockout, "Login attempts"
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.nul_guard.RejectNulMiddleware",  # PostgreSQL cannot compare text with U+0000
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy, see "Security headers" below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "search.web.middleware.SearchUnavailableMiddleware",  # a down search cluster: 503, not 500
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the 429 page
]

# --- Security headers --------------------------------------------------------------------------
# Released documents and queries are untrusted text. Templates escape them; the policy is the
# second wall: should markup ever slip through, the browser still runs no inline script, no
# event handler, no ``javascript:`` URL and no inline style, and loads nothing from elsewhere.
# Every page (the admin included) works with scripts and styles from our own static files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # data: images cannot run script
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
X_FRAME_OPTIONS = "DENY"  # frame-ancestors for browsers that predate CSP 2
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # search queries in URLs stay on the site

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.script",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'portal.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a busy writer instead of failing at once ("database is locked"); take the write
    # lock when a transaction starts (a deferred one that reads first and then writes fails at
    # once when another process wrote meanwhile); let readers go on while one process writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth --------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Login attempts ----------------------------------------------------------------------------
# django-axes counts failed logins in the database (shared by every worker) and answers a
# locked-out client with portal.throttled.login_lockout: HTTP 429 and the wait, in the admin's
# login layout. Counted per client address and, separately, per username: one address cannot
# spray many accounts, many addresses cannot wear down one, and an editor is not blocked by
# failures on other accounts from other addresses. Staff unlock early under admin → Axes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out client before checking
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("PORTAL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PORTAL_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True  # an editor's own earlier typos stop counting once they log in
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.throttled.login_lockout"

# --- Language ----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files -------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Uploaded originals live outside the web root and are only served through a view.
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Portal ------------------------------------------------------------------------------------
PORTAL_PAGE_SIZE = env_int("PORTAL_PAGE_SIZE", 20)
PORTAL_API_PAGE_SIZE = env_int("PORTAL_API_PAGE_SIZE", 20)
# Larger uploads and import files are refused before they are read.
PORTAL_MAX_UPLOAD_BYTES = env_int("PORTAL_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# A previewed release longer than this (characters of text) is stored by the job worker, not
# in the request: about 2 s of work; a 20 MB text takes the better part of a minute.
PORTAL_INLINE_PUBLISH_CHARS = env_int("PORTAL_INLINE_PUBLISH_CHARS", 300_000)
FILE_UPLOAD_HANDLERS = [
    "documents.upload_handlers.SizeLimitedUploadHandler",  # drops files over the limit early
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Rate limits -------------------------------------------------------------------------------
# The search page and the JSON API (search and release list) share one budget per client
# address (portal/ratelimit.py); over it, HTTP 429 with Retry-After. Counters live in the
# default cache: per process here (runserver, tests), shared by all workers in production.
PORTAL_SEARCH_RATE = env_str("PORTAL_SEARCH_RATE", "120/m")
# Reverse proxies in front of the portal that append the client to X-Forwarded-For; with 0
# the header is ignored, because a client can write anything into it (portal/client_ip.py).
PORTAL_TRUSTED_PROXY_COUNT = env_int("PORTAL_TRUSTED_PROXY_COUNT", 0)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}
}

# --- Search ------------------------------------------------------------------------------------
# The embedded default is a Whoosh index on disk (SEARCH_INDEX_DIR). A bigger site sets
# SEARCH_ENGINE=elasticsearch and ELASTICSEARCH_URL (a comma-separated list of nodes) to use a
# cluster through haystack's Elasticsearch 7 backend (search/engines/elasticsearch/), with
# ELASTICSEARCH_INDEX the alias it searches and ELASTICSEARCH_SHARDS / _REPLICAS the shape of
# the indices it creates. SEARCH_ENGINE may also be the dotted path of another haystack engine
# whose backend implements search.engines.base.PortalBackend (checked at start-up: search.E002).
SEARCH_ENGINES = {
    "whoosh": "search.engines.whoosh.backend.PortalWhooshEngine",
    "elasticsearch": "search.engines.elasticsearch.backend.PortalElasticsearchEngine",
}
SEARCH_ENGINE = env_str("SEARCH_ENGINE", "whoosh").strip() or "whoosh"
if SEARCH_ENGINE not in SEARCH_ENGINES and "." not in SEARCH_ENGINE:
    raise ImproperlyConfigured(
        f"SEARCH_ENGINE={SEARCH_ENGINE!r}: use {' or '.join(SEARCH_ENGINES)} "
        "or the dotted path of a haystack engine"
    )
if SEARCH_ENGINE == "elasticsearch" and not env_str("ELASTICSEARCH_URL").strip():
    raise ImproperlyConfigured(
        "SEARCH_ENGINE=elasticsearch needs ELASTICSEARCH_URL (for example http://127.0.0.1:9200)"
    )
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": SEARCH_ENGINES.get(SEARCH_ENGINE, SEARCH_ENGINE),
        "PATH": str(env_path("SEARCH_INDEX_DIR", DATA_DIR / "index")),
        "URL": [u.strip() for u in env_str("ELASTICSEARCH_URL").split(",") if u.strip()],
        "INDEX_NAME": env_str("ELASTICSEARCH_INDEX", "portal-sections"),
        "SHARDS": env_int("ELASTICSEARCH_SHARDS", 1),
        "REPLICAS": env_int("ELASTICSEARCH_REPLICAS", 1),
        "TIMEOUT": env_int("ELASTICSEARCH_TIMEOUT", 30),
    }
}
# Re-index a release after its transaction commits, and only the models that are indexed.
HAYSTACK_SIGNAL_PROCESSOR = "search.indexing.signals.ReleaseSignalProcessor"
SEARCH_POLICY_TERMS = env_path("SEARCH_POLICY_TERMS", BASE_DIR / "fixtures" / "policy-terms.txt")
PORTAL_TOPICS_FILE = env_path("PORTAL_TOPICS_FILE", BASE_DIR / "fixtures" / "topics.yaml")
SEARCH_PAGE_SIZE = env_int("SEARCH_PAGE_SIZE", 10)
# Seconds a publish waits for another process's index writer before handing the update to the
# task queue's worker; and how long the worker keeps retrying before it reports an error.
SEARCH_LOCK_WAIT = env_int("SEARCH_LOCK_WAIT", 5)
SEARCH_RETRY_SECONDS = env_int("SEARCH_RETRY_SECONDS", 3600)

# Background jobs (bulk imports, re-parsing, index retries and repair) run on huey's worker,
# ``manage.py run_huey``, beside the web server. The embedded default keeps the queue in a
# SQLite file in the data folder, needing no server; several machines share one queue through
# Redis: HUEY_CLASS=huey.RedisHuey and HUEY_REDIS_URL=redis://host:6379/0 (the [redis] extra).
_HUEY_CLASS = env_str("HUEY_CLASS", "huey.SqliteHuey")
HUEY = {
    "huey_class": _HUEY_CLASS,
    "name": "portal",
    "immediate": env_bool("HUEY_IMMEDIATE", False),  # True: run each job in the caller
    "results": False,
    "utc": True,
    "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
}
if _HUEY_CLASS.endswith("SqliteHuey"):
    HUEY["filename"] = str(DATA_DIR / "jobs.sqlite3")
elif _HUEY_CLASS.endswith("RedisHuey"):
    HUEY["url"] = env_str("HUEY_REDIS_URL", "redis://127.0.0.1:6379/0")
# A running job whose worker has sent no heartbeat for this long is taken up by another.
PORTAL_JOB_STALE_SECONDS = env_int("PORTAL_JOB_STALE_SECONDS", 120)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # its version banner, at every start of every command
    },
}

# --- Production --------------------------------------------------------------------------------
# DJANGO_ENV=production: what ``manage.py check --deploy`` asks for. HTTPS only, cookies only over
# HTTPS, hashed static files (run ``collectstatic``) with far-future cache headers, a cache the
# gunicorn workers share, timestamped logs on stderr. README "Deploying" lists the variables.
if PRODUCTION:
    production.debug_off(DEBUG)
    ALLOWED_HOSTS = production.required_hosts(env_list("ALLOWED_HOSTS", []))
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    if env_bool("PORTAL_BEHIND_TLS_PROXY", default=False):
        # Only behind a proxy that terminates TLS and sets (overwrites) X-Forwarded-Proto;
        # without one, any client could claim its plain-HTTP request was HTTPS.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    WHITENOISE_USE_FINDERS = False  # serve what collectstatic hashed, nothing else
    # Rate-limit counters must be seen by every worker; a file cache needs no server.
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
    LOGGING["formatters"] = {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"}
    }
    LOGGING["handlers"]["console"].update(stream="ext://sys.stderr", formatter="plain")
