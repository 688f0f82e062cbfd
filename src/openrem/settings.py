"""Django settings, read from environment variables.

Variable names follow the ``.env.prod`` chapter of the OpenREM documentation (SECRET_KEY,
DJANGO_ALLOWED_HOSTS, DEBUG, SQL_ENGINE/SQL_HOST/SQL_PORT/POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB,
MEDIA_ROOT, STATIC_ROOT, LOG_ROOT, LOG_LEVEL*, TIME_ZONE, LANGUAGE_CODE,
IGNORE_DEVICE_OBSERVER_UID_FOR_THESE_MODELS, ...). ``DATABASE_URL`` (``sqlite:///path`` or
``postgres://user:pass@host:port/db``) wins over the SQL_* variables when set. With nothing set,
OpenREM uses a SQLite database in ``./data`` (or ``$OPENREM_DATA``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from openrem.config import database_from_env, env_bool, env_list, huey_settings
from openrem.production import refuse_unsafe, secret_key, tls_settings

DATA_DIR = Path(os.environ.get("OPENREM_DATA", Path.cwd() / "data")).resolve()

# Production mode (OPENREM_PRODUCTION=1, set by deploy/): unsafe settings stop every entry point
# (see the end of this file and docs/operations.md).
PRODUCTION = env_bool("OPENREM_PRODUCTION", False)
SECRET_KEY = secret_key(os.environ, DATA_DIR, PRODUCTION)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost 127.0.0.1 [::1]").split()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "openrem.dose",
    "openrem.web",
    "openrem.jobs",
    "openrem.netdicom",
    "openrem.httpimport",
    "openrem.alerts",
    "openrem.ptsize",
    "openrem.exports",
    "openrem.ops",
    "openrem.importlog",
    "openrem.skinmaps",
    "openrem.charts",
    "openrem.drl",
    "huey.contrib.djhuey",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openrem.web.middleware.UploadLimitMiddleware",
    "openrem.web.middleware.NumberOutOfRangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "openrem.ops.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openrem.urls"
WSGI_APPLICATION = "openrem.wsgi.application"

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
                "openrem.web.context.display",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(os.environ, DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SILENCED_SYSTEM_CHECKS = ["fields.W163"]  # column unit comments: PostgreSQL keeps them, SQLite cannot

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-us")
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = env_bool("USE_I18N", True)
USE_TZ = True

# Serving from a sub-folder ("virtual directory", e.g. VIRTUAL_DIRECTORY=dose/ behind nginx): every URL
# is prefixed, and the static and media URLs follow unless set.
VIRTUAL_DIRECTORY = os.environ.get("VIRTUAL_DIRECTORY", "").strip().strip("/")
VIRTUAL_DIRECTORY = f"{VIRTUAL_DIRECTORY}/" if VIRTUAL_DIRECTORY else ""
STATIC_URL = os.environ.get("STATIC_URL") or f"/{VIRTUAL_DIRECTORY}static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(DATA_DIR / "static"))
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(DATA_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL") or f"/{VIRTUAL_DIRECTORY}media/"
LOG_ROOT = os.environ.get("LOG_ROOT", str(DATA_DIR / "logs"))
# Request bodies: the spec's nginx limit is 50 MB; Django refuses larger form fields itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE") or 50 * 1024 * 1024)

# Security: HTTPS directly or behind a TLS-terminating proxy (OPENREM_TLS, SECURE_PROXY_SSL_HEADER,
# CSRF_TRUSTED_ORIGINS), login throttling (django-axes), password rules, idle session expiry.
_TLS = tls_settings(os.environ, env_bool)
CSRF_TRUSTED_ORIGINS: list[str] = _TLS["CSRF_TRUSTED_ORIGINS"]
SESSION_COOKIE_SECURE: bool = _TLS["SESSION_COOKIE_SECURE"]
CSRF_COOKIE_SECURE: bool = _TLS["CSRF_COOKIE_SECURE"]
SECURE_HSTS_SECONDS: int = _TLS["SECURE_HSTS_SECONDS"]
SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = _TLS["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
SECURE_SSL_REDIRECT: bool = _TLS["SECURE_SSL_REDIRECT"]
SECURE_PROXY_SSL_HEADER: tuple[str, str] | None = _TLS["SECURE_PROXY_SSL_HEADER"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
AUTHENTICATION_BACKENDS = ["openrem.ops.auth.ThrottledLoginBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT") or 10)
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_LOCKOUT_HOURS") or 0.5)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "ops/locked_out.html"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH") or 10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions end after SESSION_IDLE_MINUTES without a request (default 8 hours), and with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES") or 480) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy sent with every page (openrem.ops.middleware); CONTENT_SECURITY_POLICY replaces it.
CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY") or (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# XLSX export cell formats (spec: "XLSX date and time settings for exports").
XLSX_DATE = os.environ.get("XLSX_DATE", "dd/mm/yyyy")
XLSX_TIME = os.environ.get("XLSX_TIME", "hh:mm:ss")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [str(Path(__file__).resolve().parent / "locale")]

# Models whose Device Observer UID is not unique per device (spec: "Device Observer UID settings").
IGNORE_DEVICE_OBSERVER_UID_FOR_THESE_MODELS = env_list(
    "IGNORE_DEVICE_OBSERVER_UID_FOR_THESE_MODELS", ["GE OEC Fluorostar"]
)

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
# Tracebacks of failed imports ("openrem.tracebacks": the result line gives the reason) and library
# warnings (pydicom) go to openrem.log only; the console shows one line per message, without
# traceback (openrem.logformat.ConsoleFormatter).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
                   "console": {"()": "openrem.logformat.ConsoleFormatter",
                               "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "console"},
                 "openrem_file": {"()": "openrem.netdicom.logfile.StoreLogHandler", "formatter": "plain",
                                  "filename": os.path.join(LOG_ROOT, "openrem.log")},
                 "extractor_file": {"()": "openrem.netdicom.logfile.StoreLogHandler", "formatter": "plain",
                                    "filename": os.path.join(LOG_ROOT, "openrem_extractor.log")},
                 "store_file": {"()": "openrem.netdicom.logfile.StoreLogHandler", "formatter": "plain",
                                "filename": os.path.join(LOG_ROOT, "openrem_store.log")},
                 "qr_file": {"()": "openrem.netdicom.logfile.StoreLogHandler", "formatter": "plain",
                             "filename": os.path.join(LOG_ROOT, "openrem_qr.log")}},
    "loggers": {
        "openrem": {"handlers": ["console", "openrem_file"], "level": LOG_LEVEL},
        "openrem.dose": {"handlers": ["extractor_file"], "level": os.environ.get("LOG_LEVEL_EXTRACTOR", LOG_LEVEL)},
        # every 500 with its traceback (django.request logs unhandled view exceptions at ERROR)
        "django.request": {"handlers": ["console", "openrem_file"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console", "openrem_file"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["openrem_file"], "level": "WARNING", "propagate": False},
        "openrem.netdicom.store": {"handlers": ["store_file"], "level": os.environ.get("LOG_LEVEL_STORE", LOG_LEVEL)},
        "openrem.netdicom.qr": {"handlers": ["qr_file"], "level": os.environ.get("LOG_LEVEL_QRSCU", LOG_LEVEL)},
        "openrem.tracebacks": {"handlers": ["openrem_file"], "level": "WARNING", "propagate": False},
        "pydicom": {"handlers": ["openrem_file"], "level": "WARNING", "propagate": False},
        "py.warnings": {"handlers": ["openrem_file"], "level": "WARNING", "propagate": False},
    },
}
logging.captureWarnings(True)  # Python warnings (pydicom's reading warnings) -> the py.warnings logger

# Background tasks (huey): Redis when REDIS_HOST is set, else a SQLite file; HUEY_IMMEDIATE=1 runs
# tasks in-process (unit tests).
HUEY = huey_settings(os.environ, DATA_DIR)
# An active task whose worker's heartbeat is older than this counts as dead (docs/tasks.md).
TASK_LEASE_SECONDS = float(os.environ.get("TASK_LEASE_SECONDS") or 120)
# Charts (docs/charts.md, docs/tasks.md): the worker computes the first-view charts ahead, at this pace,
# this many at a time.
CHART_PRECOMPUTE = env_bool("CHART_PRECOMPUTE", True)
CHART_PRECOMPUTE_QUIET_S = float(os.environ.get("CHART_PRECOMPUTE_QUIET_S") or 120)
CHART_PRECOMPUTE_PARALLEL = int(os.environ.get("CHART_PRECOMPUTE_PARALLEL") or 2)

# HTTP import (POST /import/orthanc/, docs/orthanc.md): the inbox posted objects are written to, the
# folders a {"path": ...} post may name (none by default) and the largest accepted object.
HTTP_IMPORT_INBOX = os.environ.get("HTTP_IMPORT_INBOX") or str(DATA_DIR / "inbox" / "http")
HTTP_IMPORT_FOLDERS = env_list("HTTP_IMPORT_FOLDERS", [])
HTTP_IMPORT_MAX_BYTES = int(os.environ.get("HTTP_IMPORT_MAX_BYTES") or 200 * 1024 * 1024)

# E-mail of the dose alerts (spec: e-mail configuration; EMAIL_USE_TLS/EMAIL_USE_SSL: 0 or 1, at most one set).
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT") or 30)
EMAIL_DOSE_ALERT_SENDER = os.environ.get("EMAIL_DOSE_ALERT_SENDER") or "openrem@localhost"
EMAIL_OPENREM_URL = os.environ.get("EMAIL_OPENREM_URL") or "http://localhost:8000"

# Import page (openrem.web.upload): the largest upload (bytes, whole request; a zip's content counts
# uncompressed), the most objects per upload, and the folder uploaded objects wait in.
WEB_UPLOAD_MAX_BYTES = int(os.environ.get("WEB_UPLOAD_MAX_BYTES") or 1024**3)
WEB_UPLOAD_MAX_FILES = int(os.environ.get("WEB_UPLOAD_MAX_FILES") or 1000)
WEB_UPLOAD_INBOX = os.environ.get("WEB_UPLOAD_INBOX") or str(DATA_DIR / "inbox" / "web")
DATA_UPLOAD_MAX_NUMBER_FILES = WEB_UPLOAD_MAX_FILES

if PRODUCTION:
    refuse_unsafe({"DEBUG": DEBUG, "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": ALLOWED_HOSTS,
                   "FOLDERS": {"MEDIA_ROOT": MEDIA_ROOT, "STATIC_ROOT": STATIC_ROOT, "LOG_ROOT": LOG_ROOT}})
