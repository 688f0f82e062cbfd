"""Django settings, read from environment variables.

Variable names follow the ``.env.prod`` chapter of the OpenREM documentation (SECRET_KEY,
DJANGO_ALLOWED_HOSTS, DEBUG, SQL_ENGINE/SQL_HOST/SQL_PORT/POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB,
MEDIA_ROOT, STATIC_ROOT, LOG_ROOT, LOG_LEVEL*, TIME_ZONE, LANGUAGE_CODE,
IGNORE_DEVICE_OBSERVER_UID_FOR_THESE_MODELS, ...). ``DATABASE_URL`` (``sqlite:///path`` or
``postgres://user:pass@host:port/db``) wins over the SQL_* variables when set. With nothing set,
OpenREM uses a SQLite database in ``./data`` (or ``$OPENREM_DATA``).
"""

from __future__ import annotations

import os
from pathlib import Path

from openrem.config import database_from_env, env_bool, env_list, huey_settings

DATA_DIR = Path(os.environ.get("OPENREM_DATA", Path.cwd() / "data")).resolve()

SECRET_KEY = os.environ.get("SECRET_KEY") or "insecure-development-key-set-SECRET_KEY-in-production"
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
    "openrem.exports",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

STATIC_URL = os.environ.get("STATIC_URL", "/static/")
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(DATA_DIR / "static"))
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(DATA_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
LOG_ROOT = os.environ.get("LOG_ROOT", str(DATA_DIR / "logs"))

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
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"},
                 "store_file": {"()": "openrem.netdicom.logfile.StoreLogHandler", "formatter": "plain",
                                "filename": os.path.join(LOG_ROOT, "openrem_store.log")},
                 "qr_file": {"()": "openrem.netdicom.logfile.StoreLogHandler", "formatter": "plain",
                             "filename": os.path.join(LOG_ROOT, "openrem_qr.log")}},
    "loggers": {
        "openrem": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL_EXTRACTOR", LOG_LEVEL)},
        "openrem.netdicom.store": {"handlers": ["store_file"], "level": os.environ.get("LOG_LEVEL_STORE", LOG_LEVEL)},
        "openrem.netdicom.qr": {"handlers": ["qr_file"], "level": os.environ.get("LOG_LEVEL_QRSCU", LOG_LEVEL)},
    },
}

# Background tasks (huey): Redis when REDIS_HOST is set, else a SQLite file; HUEY_IMMEDIATE=1 runs
# tasks in-process (unit tests).
HUEY = huey_settings(os.environ, DATA_DIR)
# An active task whose worker's heartbeat is older than this counts as dead (docs/tasks.md).
TASK_LEASE_SECONDS = float(os.environ.get("TASK_LEASE_SECONDS") or 120)

# HTTP import (POST /import/orthanc/, docs/orthanc.md): the inbox posted objects are written to, the
# folders a {"path": ...} post may name (none by default) and the largest accepted object.
HTTP_IMPORT_INBOX = os.environ.get("HTTP_IMPORT_INBOX") or str(DATA_DIR / "inbox" / "http")
HTTP_IMPORT_FOLDERS = env_list("HTTP_IMPORT_FOLDERS", [])
HTTP_IMPORT_MAX_BYTES = int(os.environ.get("HTTP_IMPORT_MAX_BYTES") or 200 * 1024 * 1024)
