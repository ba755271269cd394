"""Settings for every environment, read from the process environment (see README, "Configuration").

With nothing set, the project runs for a newcomer: an embedded SQLite file, tasks run in-process."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from .env import ImproperEnvironment, env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MUTUELLE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # Sessions, password-reset links and signed values would all be forged with a key published in the repo.
        raise ImproperEnvironment("SECRET_KEY must be set whenever DEBUG is false (make run sets DEBUG=true; "
                                  "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')")
    # Development only (DEBUG=true). The "django-insecure-" prefix makes `check --deploy` flag it as well.
    SECRET_KEY = "django-insecure-dev-only-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_prometheus",
    "members",
    "units",
    "claims",
    "outbox",
    "notices",
    "apitokens",
    "provident",
    "memberships",
    "fhir_r4",  # no models: kept before the last app, whose post_migrate re-creates the role groups after a flush
    "partners",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first and last: the whole request is timed
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "mutuelle.input_policy.InputPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "members.security.SecondFactorMiddleware",
    "members.middleware.UserLanguageMiddleware",
    "members.sessions.SessionLengthMiddleware",
    "mutuelle.headers.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "mutuelle.urls"
WSGI_APPLICATION = "mutuelle.wsgi.application"
ASGI_APPLICATION = "mutuelle.asgi.application"

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
                "units.context_processors.menu",
            ],
        },
    },
]

DATABASE_URL = env_url(
    "DATABASE_URL", f"sqlite:///{VAR_DIR / 'mutuelle.sqlite3'}", schemes=("sqlite", "postgres", "postgresql")
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"  # each role its own home (units/roles.py)
LOGOUT_REDIRECT_URL = "home"

# Login lockout: a username is locked from one IP only, so an attacker elsewhere cannot lock a member out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "members.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "members.security.client_ip"
# Reverse proxies in front of gunicorn whose X-Forwarded-For we trust (0: use the socket's address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Staff and admin accounts must pass a TOTP code after the password (members may opt in at /security/).
STAFF_OTP_REQUIRED = env_bool("STAFF_OTP_REQUIRED", True)
OTP_TOTP_ISSUER = "Mutuelle"

LANGUAGE_CODE = "fr"
LANGUAGES = [("ar", _("Arabic")), ("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["mutuelle.formats"]  # Arabic datetime formats (Django's "ar" has none)

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded scans live outside the web root and are only served through permission-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "private-media")))
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
MAX_SCAN_PIXELS = env_int("MAX_SCAN_PIXELS", 25_000_000)  # decoding memory per image (claims.uploads)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
# Any request body (a scan and its form, a JSON call): above this, refused before it is read (mutuelle.input_policy).
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 2 * MAX_UPLOAD_BYTES)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if not env_str("EMAIL_HOST") else
    "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Mutuelle <no-reply@mutuelle.example.ma>")
SMS_BACKEND = env_str("SMS_BACKEND", "members.sms.LoggingSmsBackend")

# Celery: with no broker configured, tasks run in-process at once (make run needs no Redis).
REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss"))
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", REDIS_URL, schemes=("redis", "rediss", "amqp", "memory"))
# A shared cache (login/activation throttles) once Redis is configured; per-process memory otherwise.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
# Celery's Django fixup closes the database connection before and after every task unless this is set: 500
# tasks opened 500 connections (a fresh connection costs more than pricing a file). With it, a worker process
# keeps its connection for this many tasks; mutuelle/celery.py still drops a connection that broke or outlived
# CONN_MAX_AGE before each task, as Django does per request.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
# The per-file liquidation's notifications are handed to the broker by a background thread of the worker after
# commit (outbox.services): the task never waits on the broker. Rows left unpublished go out with the relay.
OUTBOX_PUBLISH_IN_BACKGROUND = env_bool("OUTBOX_PUBLISH_IN_BACKGROUND", True)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "claims.tasks.liquidate_*": {"queue": "liquidation"},
    "claims.tasks.bulk_*": {"queue": "liquidation"},
    "provident.tasks.liquidate_*": {"queue": "provident"},
    "*.tasks.notify_*": {"queue": "notifications"},
    "*.tasks.send_*": {"queue": "notifications"},
    "*.tasks.periodic_*": {"queue": "periodic"},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
from celery.schedules import crontab  # noqa: E402

# Periodic jobs, installed in django-celery-beat's tables when beat starts (editable in the admin then).
CELERY_BEAT_SCHEDULE = {
    "liquidation-sweep": {"task": "claims.tasks.periodic_liquidation_sweep", "schedule": 60.0},
    "outbox-relay": {"task": "outbox.tasks.periodic_outbox_relay", "schedule": 10.0},
    "daily-payment-batch": {"task": "claims.tasks.periodic_payment_batch", "schedule": crontab(hour=3, minute=0)},
    "provident-sweep": {"task": "provident.tasks.periodic_provident_sweep", "schedule": 300.0},
    "appointment-reminders": {"task": "units.tasks.periodic_send_appointment_reminders",
                              "schedule": crontab(hour=17, minute=0)},
}

# What payment batches pay, one source per kind of payable (claims.services.payments.PaymentSource): each
# lists its payables and records its own unique "paid" link. New kinds (provident, provider invoices) add theirs.
PAYMENT_SOURCES = [
    "claims.services.payments.ClaimFileSource",
    "claims.services.regularisation.RegularisationSource",
    "provident.payments.ProvidentShareSource",
    "partners.payments.ProviderInvoiceSource",
]

# /track/ looks up sickness files, then these (provident requests, membership applications): each takes
# code= and birth_date= and returns the page's context (kind_label, status_label, explanation, code) or None.
TRACKING_LOOKUPS = [
    "provident.selectors.track_lookup",
    "memberships.selectors.track_lookup",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "apitokens.auth.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "mutuelle.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["mutuelle.api_parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
}
# API tokens (django-rest-knox, stored hashed): one per client, expiring, revoked on a password change and on
# second-factor enrolment; a token issued without a TOTP code stops working once the account owes one.
KNOX_TOKEN_MODEL = "apitokens.ApiToken"
# knox's own migrations would create its (swapped-out) default table, referencing users, that nothing uses.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_TTL_DAYS", 30)),
    "TOKEN_LIMIT_PER_USER": None,  # apitokens.services keeps one per client and at most API_TOKENS_PER_USER
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
API_TOKENS_PER_USER = env_int("API_TOKENS_PER_USER", 10)
SPECTACULAR_SETTINGS = {
    "TITLE": "Mutuelle API",
    "DESCRIPTION": "Members, claim files, liquidation and service units of the mutual.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR", "SWAGGER_UI_FAVICON_HREF": "SIDECAR", "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {f"{name}Enum": f"{path}.{name}" for path, name in [
        ("claims.models.files", "ClaimStatus"), ("members.models", "AffiliationStatus"),
        ("units.models", "AppointmentStatus"), ("units.models", "VisitStatus"),
        ("claims.models.files", "AgreementStatus"), ("claims.models.payments", "BatchStatus"),
        ("claims.models.files", "DocumentKind")]}
    | {"ProvidentStatusEnum": "provident.models.RequestStatus", "HeirRelationEnum": "provident.models.HeirRelation",
       "ProvidentDocumentKindEnum": "provident.models.DocumentKind",
       "ClaimChannelEnum": "claims.models.files.Channel", "ProvidentChannelEnum": "provident.models.RequestChannel"}
    | {f"Membership{name}Enum": f"memberships.models.{choices}" for name, choices in [
        ("Status", "ApplicationStatus"), ("Kind", "ApplicationKind"), ("DocumentKind", "DocumentKind"),
        ("PersonRelation", "PersonRelation")]},
}

# Production hardening, switched on by SECURE=true (docker-compose sets it).
SECURE = env_bool("SECURE", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: our own static files only, no inline script, no eval. Two allowances: img-src data:
# because Bootstrap's CSS draws form-control icons as data: SVGs, and a per-response style nonce for the one
# <style> element htmx inserts for its request indicator (handed to htmx by the htmx-config meta in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
SESSION_COOKIE_HTTPONLY = True
# Session lengths (members.sessions): members stay signed in 8 hours at most; staff sessions end when the browser
# closes and after 30 minutes without a request (shared desk PCs).
SESSION_COOKIE_AGE = env_int("MEMBER_SESSION_SECONDS", 8 * 3600)
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)
# Permissions-Policy: the site uses no camera, microphone, location, payment or USB API; no page may ask.
PERMISSIONS_POLICY: dict[str, list[str]] = {feature: [] for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
    "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
    "screen-wake-lock", "usb", "xr-spatial-tracking")}
if SECURE:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes inside the deployment speak plain HTTP to gunicorn (the load balancer's health check, Prometheus).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# The mutual's own account, debtor of the ISO 20022 pain.001 bank files (claims/services/bank_file.py).
PAYMENT_DEBTOR_NAME = env_str("PAYMENT_DEBTOR_NAME", "Mutuelle")
PAYMENT_DEBTOR_IBAN = env_str("PAYMENT_DEBTOR_IBAN")
PAYMENT_DEBTOR_BIC = env_str("PAYMENT_DEBTOR_BIC")

# Operations (docs/operations.md): /metrics for Prometheus, Bearer METRICS_TOKEN (loopback only when unset);
# error reports to Sentry only when SENTRY_DSN is set, without personal data.
METRICS_TOKEN = env_str("METRICS_TOKEN")
SENTRY_DSN = env_url("SENTRY_DSN", "", schemes=("http", "https"))
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"),
                    traces_sample_rate=env_int("SENTRY_TRACES_SAMPLE_PERCENT", 0) / 100, send_default_pii=False)
