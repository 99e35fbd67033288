"""casedesk settings: one module, driven by environment variables.

CASEDESK_DEBUG        "1" for development error pages (default off)
CASEDESK_SECRET_KEY   secret key; by default one is generated into var/secret_key
CASEDESK_ALLOWED_HOSTS comma-separated (default: localhost,127.0.0.1,[::1])
CASEDESK_VAR          directory for the SQLite file and runtime state (default ./var)
DATABASE_URL          e.g. postgres://postgres@127.0.0.1:5432/casedesk (default SQLite)
REDIS_URL             e.g. redis://127.0.0.1:6379/0: the task queue in Redis (default: in the database)
CASEDESK_SWEEP_INTERVAL seconds between a worker's SLA sweeps (default 10)
CASEDESK_HOOKS_TIMEOUT  seconds a webhook receiver has to answer (default 10)
CASEDESK_HOOKS_PAUSE_AFTER webhook deliveries given up in a row that pause a subscription (default 10)
CASEDESK_API_RATE     JSON API requests a caller may make a minute before 429 (default 600; 0: no limit)
CASEDESK_TEST_DB_SUFFIX  suffix for test database names, for parallel runs
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CASEDESK_VAR", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("CASEDESK_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


DEBUG = _env_bool("CASEDESK_DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("CASEDESK_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")

INSTALLED_APPS = [
    "casedesk.core",  # first: its admin templates (viewer's zone, capped counts, case page) override the admin's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI from its own static files at /api/v1/docs (no CDN)
    "casedesk.desks",
    "casedesk.accounts",
    "casedesk.cases",
    "casedesk.mail",  # e-mail in: raw messages stored first, then threaded into cases
    "casedesk.notify",  # e-mail out: case notifications, a durable queue sent by a task per message
    "casedesk.contracts",  # ledgers of prepaid support (grace calls), above cases
    "casedesk.api",  # the JSON API's personal access tokens
    "casedesk.automation",  # the worker: SLA sweeps (warnings, breaches) beside the task queue
    "casedesk.hooks",  # webhooks: a desk's subscriptions, signed deliveries posted by a task, retried
    "casedesk.reports",  # SLA compliance reports, customer SLA statements
    "casedesk.whatif",  # a draft policy replayed over recorded cases, never touching them
    "casedesk.console",
    "casedesk.portal",
    "axes",  # login throttling: failed attempts are rows, so every process sees them
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "casedesk.api.ratelimit.RateLimitMiddleware",  # 429 past CASEDESK_API_RATE API requests a minute
    "casedesk.api.idempotency.IdempotencyMiddleware",  # a retried API POST with the same key runs once
    # The portal's language: the signed-in requester's contact language, else Accept-Language, else English;
    # staff pages stay English for now. Django's LocaleMiddleware underneath.
    "casedesk.portal.language.PortalLanguageMiddleware",
    "casedesk.core.localtime.ViewerZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "casedesk.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "casedesk.wsgi.application"

_default_db = f"sqlite:///{VAR_DIR / 'casedesk.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while pages read; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The portal and every message a requester receives, from the catalogues in casedesk/locale/ (compiled by
# `make run` and `make test`; a contact's language "no" is Norwegian Bokmål, nb).
LANGUAGES = [
    ("en", "English"),
    ("sv", "Svenska"),
    ("da", "Dansk"),
    ("nb", "Norsk bokmål"),
    ("is", "Íslenska"),
    ("fi", "Suomi"),
    ("et", "Eesti"),
    ("lv", "Latviešu"),
    ("cs", "Čeština"),
    ("fr", "Français"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Attachments: stored here, never served by URL (only through casedesk.cases.attachments.download).
MEDIA_ROOT = VAR_DIR / "media"
CASEDESK_MAX_UPLOAD_BYTES = int(os.environ.get("CASEDESK_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
# An API POST with an Idempotency-Key is fingerprinted over its whole body (request.body), which Django caps
# at DATA_UPLOAD_MAX_MEMORY_SIZE: room for a few files at the upload limit, plus the form's text.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * CASEDESK_MAX_UPLOAD_BYTES + 2_621_440
LOGIN_URL = "/admin/login/"

# Requesters sign in at /portal/login/ (portal views pass it explicitly); staff keep the admin's login.
# django-axes first: it refuses a locked-out username+IP before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("CASEDESK_LOGIN_FAILURES", 5))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # one attacker cannot lock a user out everywhere
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CASEDESK_LOGIN_COOLOFF_MINUTES", 15)))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_VERBOSE = False
# Password-reset and invitation links stay valid three days (an invitation may wait over a weekend).
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# Links in invitations (sent outside a request) start here.
CASEDESK_BASE_URL = os.environ.get("CASEDESK_BASE_URL", "http://127.0.0.1:8000")
# Outgoing mail (invitations, password resets, case notifications), with Django's EMAIL_* names as environment
# variables: SMTP when EMAIL_HOST is given, else one file per message under var/mail/ (a local install reads
# them there); EMAIL_BACKEND, when set, chooses the backend whatever else is set. CASEDESK_FROM_EMAIL is the
# older name of DEFAULT_FROM_EMAIL. Notifications of a case go out from its desk's inbound address when it has
# one (casedesk.notify.outbox.from_address), else from DEFAULT_FROM_EMAIL.
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", os.environ.get("CASEDESK_FROM_EMAIL", "casedesk <support@localhost>")
)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS")
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
# An SMTP conversation never outlasts this (seconds): a notification found "sending" much later was cut off.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "60"))

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, never inline,
# on every page, the admin and the API docs included (Django's admin has no inline scripts; Swagger UI's
# settings are a JSON data block, not a script). Swagger UI's stylesheet draws its icons as data: SVGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Jobs (sending each outgoing e-mail, queue "mail") go through django-tasks: kept in the database by default
# (`casedesk worker` runs django-tasks-db's worker), in Redis when REDIS_URL is set (e.g.
# redis://127.0.0.1:6379/0; `casedesk worker` then runs an RQ worker). Every web process and worker of one
# installation uses the same DATABASE_URL and REDIS_URL. The SLA sweeps never go through the queue: each
# worker sweeps the database itself every CASEDESK_SWEEP_INTERVAL seconds (the health check allows 3x that).
TASK_QUEUES = ["default", "mail", "whatif"]  # whatif: what-if replays (casedesk.whatif.tasks), long jobs
REDIS_URL = os.environ.get("REDIS_URL", "")
CASEDESK_API_RATE = int(os.environ.get("CASEDESK_API_RATE", "600"))
CASEDESK_SWEEP_INTERVAL = float(os.environ.get("CASEDESK_SWEEP_INTERVAL", "10"))
# Webhooks (casedesk.hooks): a receiver's time to answer; deliveries given up in a row before a pause.
CASEDESK_HOOKS_TIMEOUT = float(os.environ.get("CASEDESK_HOOKS_TIMEOUT", "10"))
CASEDESK_HOOKS_PAUSE_AFTER = int(os.environ.get("CASEDESK_HOOKS_PAUSE_AFTER", "10"))
if REDIS_URL:
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
    # A job that outlives this is stopped by the worker; sending one e-mail is bounded by EMAIL_TIMEOUT per step.
    RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 10 * EMAIL_TIMEOUT} for name in TASK_QUEUES}
    RQ_QUEUES["whatif"]["DEFAULT_TIMEOUT"] = 6 * 3600  # a what-if replay of a large desk's year runs minutes
    RQ = {"COMMIT_MODE": "auto"}  # casedesk enqueues after the commit itself (transaction.on_commit)
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CASEDESK_LOG_LEVEL", "WARNING")},
}
