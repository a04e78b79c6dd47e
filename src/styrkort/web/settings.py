"""Django settings for the Styrkort web app (docs/web.md, docs/deploy.md).

Everything comes from environment variables, so that the same settings serve
``styrkort serve`` on a laptop and several gunicorn workers behind a load
balancer:

- ``STYRKORT_DATABASE_URL``: the database (``postgresql://…``; default an SQLite
  file ``styrkort.sqlite3`` in the data folder);
- ``STYRKORT_DATA_DIR``: the data folder (default ``~/.local/share/styrkort``);
- ``STYRKORT_SECRET_KEY``: the secret key (default: one generated once and kept
  in the data folder);
- ``STYRKORT_DEBUG=1``: Django's debug mode (never in production);
- ``STYRKORT_PRODUCTION=1``: HTTPS only, secure cookies, HSTS. The hardening is
  also on whenever DEBUG is off, except when ``STYRKORT_LOCAL_HTTP=1`` (set by
  ``styrkort serve`` for plain HTTP on the local machine);
- ``STYRKORT_ALLOWED_HOSTS``: comma-separated host names;
- ``STYRKORT_CSRF_TRUSTED_ORIGINS``: comma-separated origins (https://…);
- ``STYRKORT_TRUSTED_PROXIES``: the reverse proxies (addresses or networks) whose
  ``X-Forwarded-For`` names the client, for the log-in lock-out (clientip.py).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from styrkort.web.clientip import trusted_proxies


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def data_dir() -> Path:
    """The folder for the default SQLite database and the generated secret key."""
    env = os.environ.get("STYRKORT_DATA_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".local" / "share") / "styrkort"


def database_url() -> str:
    return (
        os.environ.get("STYRKORT_DATABASE_URL", "").strip()
        or f"sqlite:///{data_dir() / 'styrkort.sqlite3'}"
    )


def _secret_key() -> str:
    env = os.environ.get("STYRKORT_SECRET_KEY", "").strip()
    if env:
        return env
    path = data_dir() / "secret_key"
    try:
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key, encoding="utf-8")
        path.chmod(0o600)
        return key
    except OSError:
        # A read-only home: a per-process key still works, sessions just do not survive a restart.
        return secrets.token_urlsafe(50)


BASE_DIR = Path(__file__).resolve().parent
DEBUG = _flag("STYRKORT_DEBUG")
PRODUCTION = _flag("STYRKORT_PRODUCTION") or (not DEBUG and not _flag("STYRKORT_LOCAL_HTTP"))
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("STYRKORT_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("STYRKORT_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "styrkort.web.apps.WebConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "styrkort.web.errors.LoginRequiredMiddleware",
    "styrkort.web.errors.RefusalMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "styrkort.web.urls"
WSGI_APPLICATION = "styrkort.web.wsgi.application"

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


def private_sqlite(name: str) -> None:
    """Create the SQLite file (and its folder) readable by its owner only, before SQLite
    creates it with the process's umask (often readable by all users). An existing file
    readable by others is narrowed to the owner. SQLite gives its -wal and -shm files the
    database file's permissions."""
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    try:
        if not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except OSError:
        pass  # a read-only or foreign file: SQLite reports what is wrong when it opens it


DATABASES = {
    "default": dj_database_url.parse(database_url(), conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    private_sqlite(str(DATABASES["default"].get("NAME") or ""))
    # Several workers writing to one SQLite file: take the write lock at the start of each
    # transaction and wait for it (instead of failing with "database is locked"), and let
    # readers go on during writes (WAL). Measured in bench/web.py: 0 errors with, 56 without.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STYRKORT_STATIC_ROOT", "").strip() or str(data_dir() / "static")

LOGIN_URL = "styrkort:login"
LOGIN_REDIRECT_URL = "styrkort:home"
LOGOUT_REDIRECT_URL = "styrkort:login"

# Sessions live in the database: no state in process memory, any worker serves any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = not _flag("STYRKORT_NO_SSL_REDIRECT")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Failed log-ins (django-axes): 5 failures for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("STYRKORT_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "styrkort/lockout.html"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
# Behind a reverse proxy the lock-out is keyed on the client's address as the proxy forwards it.
STYRKORT_TRUSTED_PROXIES = trusted_proxies()
AXES_CLIENT_IP_CALLABLE = "styrkort.web.clientip.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("STYRKORT_LOG_LEVEL", "WARNING")},
}
CSRF_FAILURE_VIEW = "styrkort.web.views_errors.csrf_failure"

# --- owners' tools and self-service (docs/web.md, "Ägarnas verktyg") ----------------------------
# E-mail (reminders, password reset): STYRKORT_EMAIL_BACKEND is "console" (the default: printed
# in the server's log), "smtp", "file" (one file per message in STYRKORT_EMAIL_FILE_PATH) or a
# dotted path to any Django e-mail backend.
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}
_email_backend = os.environ.get("STYRKORT_EMAIL_BACKEND", "").strip() or "console"
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_HOST = os.environ.get("STYRKORT_EMAIL_HOST", "localhost").strip()
EMAIL_PORT = int(os.environ.get("STYRKORT_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("STYRKORT_EMAIL_USER", "").strip()
EMAIL_HOST_PASSWORD = os.environ.get("STYRKORT_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("STYRKORT_EMAIL_TLS")
EMAIL_USE_SSL = _flag("STYRKORT_EMAIL_SSL")
EMAIL_TIMEOUT = 30
EMAIL_FILE_PATH = os.environ.get("STYRKORT_EMAIL_FILE_PATH", "").strip() or str(
    data_dir() / "e-post"
)
DEFAULT_FROM_EMAIL = os.environ.get("STYRKORT_EMAIL_FROM", "").strip() or "styrkort@localhost"
# The address of the app as people reach it, for links in e-mails (e.g. https://styrkort.kommun.se).
STYRKORT_BASE_URL = os.environ.get("STYRKORT_BASE_URL", "").strip()
PASSWORD_RESET_TIMEOUT = 24 * 3600

# Attachments: stored as files outside the database, never under the static files.
STYRKORT_MEDIA_ROOT = os.environ.get("STYRKORT_MEDIA_ROOT", "").strip() or str(
    data_dir() / "bilagor"
)
STYRKORT_ATTACHMENT_MAX_BYTES = int(os.environ.get("STYRKORT_ATTACHMENT_MAX_BYTES", "10000000"))
STYRKORT_ATTACHMENT_TYPES = [
    t.strip().lower().lstrip(".")
    for t in os.environ.get(
        "STYRKORT_ATTACHMENT_TYPES", "pdf,png,jpg,jpeg,xlsx,docx,pptx,odt,ods,csv,txt"
    ).split(",")
    if t.strip()
]
# Importing a zipped workspace: the upload, its unpacked size and its number of files.
STYRKORT_IMPORT_MAX_BYTES = int(os.environ.get("STYRKORT_IMPORT_MAX_BYTES", "50000000"))
STYRKORT_IMPORT_MAX_UNPACKED = int(os.environ.get("STYRKORT_IMPORT_MAX_UNPACKED", "200000000"))
STYRKORT_IMPORT_MAX_FILES = int(os.environ.get("STYRKORT_IMPORT_MAX_FILES", "2000"))
# The bulk-entry grid sends 3–4 fields per indicator; Django's default of 1000 fields would
# refuse a controller's grid of a large organisation (250+ indicators).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
