"""Filiform settings, read from the environment.

The defaults run the embedded setup (SQLite and a filesystem Celery broker under var/,
console email and SMS); production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY and friends.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.mail import CONSOLE, SMTP, anymail_settings, mailers

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FILIFORM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "filiform-insecure-development-key-only-for-debug-mode-0123456789"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "clinic.admin_site.ClinicAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's assets, served from here: the docs need no CDN
    "audit",
    "httpapi",
    "clinic",
    "screening",
    "sessions.apps.NeedlingSessionsConfig",
    "aftercare",
    "outcomes",
    "reports",
    "django_htmx",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "httpapi.middleware.NoStoreMiddleware",
    "httpapi.middleware.RefuseNulMiddleware",
    # The staff app's and the admin's vendored assets, served by the app itself (no CDN).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clinic.security_log.RequestAddressMiddleware",
    "clinic.access.SessionLifetimeMiddleware",
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "clinic.Staff"
AUTHENTICATION_BACKENDS = ["clinic.authentication.StaffBackend"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'filiform.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# Every request is one transaction, so a rejected write leaves nothing behind.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# What DATABASE_URL's query string says (sslmode...) stays: added to, never replaced.
options = DATABASES["default"].setdefault("OPTIONS", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN: an overlap check and its insert cannot interleave.
    options |= {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The server binds the values, and psycopg prepares a statement the connection has run
    # this many times before: parsed once, its plan reused, up to 100 per connection, all
    # forgotten at a rollback. Logging a session runs ~9% faster (docs/performance.md).
    # "off": Django's default, values bound into the SQL by psycopg; for a pooler that cannot
    # keep prepared statements (PgBouncer before 1.22).
    prepare_threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "2")
    if prepare_threshold != "off":
        options |= {
            "server_side_binding": True,
            "prepare_threshold": int(prepare_threshold),
        }

# Every path that sets a password runs these: the API, the admin's forms, create_clinic.
# The staff app (web/): Django's sign-in pages, and a session that ends after this many
# minutes without a request (each request moves the end on).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:today"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 60 * int(os.environ.get("STAFF_IDLE_MINUTES", "30"))
SESSION_SAVE_EVERY_REQUEST = True
# The staff app's messages may carry what a therapist typed (notes a form could not save):
# kept server-side with the session, never in a cookie on a shared tablet.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# ...and that ends this many hours after its sign-in, however busy (clinic.access).
STAFF_SESSION_HOURS = float(os.environ.get("STAFF_SESSION_HOURS", "12"))

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["username", "full_name", "email"]},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The languages patients are written to in: English in the code, the others translated in
# locale/<language>/LC_MESSAGES/django.po (compiled .mo committed beside it).
LANGUAGES = [("en", "English"), ("es", "Spanish")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# An API token stops working this many hours after it was issued (clinic.access).
TOKEN_TTL_HOURS = float(os.environ.get("TOKEN_TTL_HOURS", "12"))
# An account closes to sign-ins (every door, any address) after this many failed ones within
# SIGN_IN_LOCK_MINUTES of the first, until those minutes are over (httpapi.throttling).
SIGN_IN_FAILURES_PER_ACCOUNT = int(os.environ.get("SIGN_IN_FAILURES_PER_ACCOUNT", "20"))
SIGN_IN_LOCK_MINUTES = int(os.environ.get("SIGN_IN_LOCK_MINUTES", "15"))
# A POST's Idempotency-Key (and a staff-app form's one-time token) is kept this many days with
# the answer it replays, then forgotten (httpapi.idempotency.forget_old_records).
IDEMPOTENCY_KEEP_DAYS = int(os.environ.get("IDEMPOTENCY_KEEP_DAYS", "7"))

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Static files (the admin's, the API docs', the browsable API's) are served by the app itself
# through WhiteNoise, straight from the installed packages: no collectstatic step, no CDN.
# It also serves what collectstatic put in STATIC_ROOT, and warns when that folder is missing.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(exist_ok=True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clinic.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON in (the contract's only format): one request shape for every client and the schema,
    # through a parser that refuses nesting deeper than any real body.
    "DEFAULT_PARSER_CLASSES": ["httpapi.parsers.ClinicJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PERMISSION_CLASSES": ["httpapi.permissions.IsClinicStaff"],
    "DEFAULT_PAGINATION_CLASS": "httpapi.pagination.ClinicCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["httpapi.filters.ClinicFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "httpapi.schema.ClinicAutoSchema",  # documents the errors too
    "EXCEPTION_HANDLER": "httpapi.errors.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": None,
    # Abuse limits per client address. NUM_PROXIES: how many proxies in front of the service
    # append to X-Forwarded-For; with 0 the header, which clients can forge, is ignored.
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("THROTTLE_TOKEN_RATE", "10/min"),
        "patient_page": os.environ.get("THROTTLE_PATIENT_PAGE_RATE", "30/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Filiform API",
    "DESCRIPTION": "Treatment-session records, scheduling and aftercare for dry-needling clinics.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No call to Swagger's online validator: the docs talk to this service only.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # The clinical vocabularies appear in several resources; name each once.
    "ENUM_NAME_OVERRIDES": {
        "RegionEnum": "screening.vocabulary.Region",
        "TechniqueEnum": "screening.vocabulary.Technique",
        "ManipulationEnum": "screening.vocabulary.Manipulation",
        "SiteSideEnum": "screening.vocabulary.SiteSide",
        "ExclusionSideEnum": "screening.vocabulary.ExclusionSide",
        "PrecautionEnum": "screening.vocabulary.Precaution",
        "AppointmentStatusEnum": "sessions.models.scheduling.AppointmentStatus",
        "CourseStatusEnum": "sessions.models.scheduling.CourseStatus",
    },
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
# Aftercare delivery (see docs/architecture.md): a task is acknowledged only after it ran, and
# is handed back if its worker dies; each worker reserves one task at a time. Tasks are queued
# seconds ahead, never hours, so one short visibility timeout serves broker and results alike.
# The database, not the broker, is what makes delivery reliable: the beat sweep finds due rows.
BROKER_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "300"))
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connection around every task unless told to reuse
# it: a new PostgreSQL connection per message cost more than sending the message.
CELERY_DB_REUSE_MAX = int(os.environ.get("CELERY_DB_REUSE_MAX", "200"))
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_queue / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
AFTERCARE_QUEUE_LEASE_SECONDS = int(os.environ.get("AFTERCARE_QUEUE_LEASE_SECONDS", "60"))
AFTERCARE_SEND_LEASE_SECONDS = int(os.environ.get("AFTERCARE_SEND_LEASE_SECONDS", "60"))
# At most this many messages falling due together go to one send task.
AFTERCARE_SEND_BATCH = int(os.environ.get("AFTERCARE_SEND_BATCH", "20"))
# A send task reads its patients' consent, hold and archive again when the last reading is
# this many seconds old, before the next message goes.
AFTERCARE_STANDING_SECONDS = float(os.environ.get("AFTERCARE_STANDING_SECONDS", "1"))
CELERY_BEAT_SCHEDULE = {
    "aftercare-sweep": {"task": "aftercare.tasks.sweep", "schedule": 5.0},
    "idempotency-forget": {
        "task": "httpapi.tasks.forget_old_idempotency_records",
        "schedule": 3600.0,
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
REDIS_URL = os.environ.get("REDIS_URL", "")
# State shared by every web worker (the abuse limits): Redis in production, else this process.
CACHE_URL = os.environ.get("CACHE_URL", REDIS_URL)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Email goes through Django's mailers: the console while developing, SMTP in production, the
# file backend (one file per batch of messages in EMAIL_FILE_PATH), or any django-anymail
# backend named by EMAIL_BACKEND, configured by ANYMAIL_<ESP>_<NAME> variables (config/mail.py).
MAILERS = mailers(
    os.environ.get("EMAIL_BACKEND", CONSOLE if DEBUG else SMTP),
    smtp={
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        # A send must end well within its lease (AFTERCARE_SEND_LEASE_SECONDS).
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
    },
    file_path=os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail")),
)
ANYMAIL = anymail_settings(dict(os.environ))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Filiform <aftercare@localhost>")
# SMS: "console" (default), "file" (JSON lines at SMS_FILE_PATH) or "twilio".
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms.jsonl"))
SMS_FILE_DELAY = float(os.environ.get("SMS_FILE_DELAY", "0"))
TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
TWILIO_API_BASE_URL = os.environ.get("TWILIO_API_BASE_URL", "")  # empty: Twilio's own hosts
# Where patients and providers reach this service: links in messages, webhook URLs.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Every page loads only what this service serves: no other origin, no plugins, no framing, no
# inline script (a template that needs one marks it with the request's nonce, csp_nonce).
# Inline styles are allowed: the admin's and the browsable API's templates use them, and a
# style cannot run code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# No log line holds a patient-page token or a search term (config/access_log.py): not the
# development server's access log (django.server), not "Not Found: /p/..." warnings.
# gunicorn's access log gets the same filter from gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "config.access_log.RedactSecrets"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact"],
        },
    },
    "loggers": {
        "django": {"level": "INFO"},  # through the root's filtered handler, not Django's own
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # WeasyPrint narrates every stylesheet it parses at INFO, its own included at import.
        "weasyprint.progress": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
