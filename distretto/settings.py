"""Settings for the Distretto portal.

Everything that differs between a laptop and production comes from the environment,
with defaults that are safe for a first local run (SQLite, console mail, DEBUG on).
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn a DATABASE_URL into a Django DATABASES entry (SQLite or PostgreSQL)."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:////abs/path.sqlite3 -> /abs/path.sqlite3; sqlite:///rel.sqlite3 -> rel.sqlite3
        name = unquote(parsed.path)[1:]
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name or BASE_DIR / "db.sqlite3"}
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options = dict(parse_qsl(parsed.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parsed.scheme!r} is not supported: use sqlite:// or postgresql://."
    )


DEBUG = envbool("DEBUG", True)

_INSECURE_KEY = "django-insecure-local-development-only"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or _INSECURE_KEY
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]
else:
    if not SECRET_KEY or SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DEBUG is off: set SECRET_KEY to a random string of at least 50 characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DEBUG is off: set ALLOWED_HOSTS to the comma-separated host names served."
        )
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# `make bench` only: serve /bench/floor, a constant answer through the whole middleware
# stack, the yardstick every page is measured against. Never on a real site.
BENCH_FLOOR_VIEW = envbool("BENCH_FLOOR_VIEW", False)

INSTALLED_APPS = [
    # django.contrib.admin, with the back office's own site (distretto/admin_site.py).
    "distretto.admin_config.DistrettoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    # Before django_tasks_db: background's `db_worker` (which waits out a database outage)
    # takes the place of django-tasks-db's own.
    "background",
    "django_tasks_db",
    "distretto",
    "partners",
    "agreements",
    "services",
    "meetings",
]

MIDDLEWARE = [
    # First: the request id is on every log line of the request, and one line logs its answer.
    "common.request_id.RequestIdMiddleware",
    "common.headers.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before anything reads the form for a view: see the module's docstring.
    "common.middleware.UnstorableInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "common.admin_mfa.AdminRequiresMFAMiddleware",
    # Last: its process_exception sees a view's database outage first (503, Retry-After).
    "common.availability.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "distretto.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "distretto.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "distretto.wsgi.application"

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", ""))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits and sessions must be shared by every app server. With REDIS_URL (the stack):
# Redis, through Django's Redis backend made tolerant of Redis being away (common/cache.py:
# a Redis restart costs cache misses, never a 500), and sessions in the database with Redis
# in front (`cached_db`: losing Redis never logs everyone out). Without it: the database,
# the one store every app server has, holds the cache (`migrate` creates its table).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is away instead of holding the request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "distretto_cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["distretto.formats"]  # "8 ottobre 2018", not Django's "08 Ottobre 2018"
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Bootstrap Italia's CSS, JavaScript, icons (static/bootstrap-italia/) and fonts (static/fonts/)
# are our reduced build, committed (assets/, `make assets`): serving needs no node_modules.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))


# Uploaded files: "default" holds public ones (logos, service images: public URLs), "private"
# the ones handed out only by access-checked views (common/private_files.py). Both on the
# local filesystem (embedded default) or both on S3-compatible object storage, so that app
# servers share no disk.
def file_storages(environ) -> dict:
    """The STORAGES entries "default" and "private" chosen by STORAGE_BACKEND."""
    backend = environ.get("STORAGE_BACKEND", "").strip().lower() or "filesystem"
    if backend == "filesystem":
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": "common.private_files.PrivateFileSystemStorage"},
        }
    if backend == "s3":
        return {
            "default": s3_storage(environ, "S3_PUBLIC_BUCKET", querystring_auth=False),
            "private": s3_storage(environ, "S3_PRIVATE_BUCKET", querystring_auth=True),
        }
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be filesystem or s3, got {backend!r}.")


def s3_storage(environ, bucket_variable: str, *, querystring_auth: bool) -> dict:
    """A django-storages S3 backend; private buckets answer only presigned URLs."""
    bucket = environ.get(bucket_variable, "")
    if not bucket:
        raise ImproperlyConfigured(f"STORAGE_BACKEND is s3: set {bucket_variable}.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
            "region_name": environ.get("S3_REGION") or "us-east-1",
            "access_key": environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("S3_SECRET_ACCESS_KEY") or None,
            "querystring_auth": querystring_auth,
            "querystring_expire": 60,
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }


def s3_origin(environ) -> str:
    """Where the public bucket's URLs point (for the Content-Security-Policy)."""
    endpoint = urlparse(environ.get("S3_ENDPOINT_URL") or "https://s3.amazonaws.com")
    return f"{endpoint.scheme}://{endpoint.netloc}"


PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
if PRIVATE_MEDIA_ROOT.resolve().is_relative_to(MEDIA_ROOT.resolve()):
    raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT (served as is).")
# On: the filesystem's private files leave through nginx (X-Accel-Redirect: /_private/...).
PRIVATE_FILES_X_ACCEL = envbool("PRIVATE_FILES_X_ACCEL", False)
STORAGES = {
    **file_storages(os.environ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Mail: console while developing, SMTP from the environment in production.
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Distretto Family Audit <noreply@localhost>"
)
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": envint("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", True),
                "timeout": envint("EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Background work (django.tasks): every mail leaves through a task (background/mail.py).
# "database": queued in the database, run by `manage.py db_worker` on any machine, failed
# mail retried after MAIL_RETRY_DELAYS (seconds). "immediate": run in the same process once
# the transaction commits, one attempt (development: no worker to start).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if DEBUG else "database")
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'immediate' or 'database'.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
MAIL_RETRY_DELAYS = [60, 300, 1800, 7200]

# Accounts (django-allauth): e-mail only, verified before use.
ACCOUNT_ADAPTER = "partners.adapters.AccountAdapter"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "account:profile"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_USER_DISPLAY = "partners.adapters.user_display"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Distretto Family Audit] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Tell people by e-mail when their password or addresses change.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) with recovery codes,
# security keys and passkeys (WebAuthn). Browsers offer WebAuthn on https and on
# http://localhost only (not on http://127.0.0.1). Wrong codes count as failed logins:
# ACCOUNT_RATE_LIMITS["login_failed"] limits them per account and per IP; passkey sign-ins
# are limited per IP by MFA_RATE_LIMITS["webauthn_login"].
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_RATE_LIMITS = {"webauthn_login": "10/m/ip"}
MFA_TOTP_ISSUER = "Distretto Family Audit"
# Accept the code of the previous and next 30 seconds too: phones' clocks drift a little.
MFA_TOTP_TOLERANCE = 1
# The same forms, refusing a malformed security-key response with a message, not a 500.
MFA_FORMS = {
    "add_webauthn": "common.mfa_forms.AddWebAuthnForm",
    "authenticate_webauthn": "common.mfa_forms.AuthenticateWebAuthnForm",
    "login_webauthn": "common.mfa_forms.LoginWebAuthnForm",
    "reauthenticate_webauthn": "common.mfa_forms.ReauthenticateWebAuthnForm",
}
# The back office only for staff accounts with a second factor. On in production; off while
# developing, so that the demo's coordinator walks straight in.
ADMIN_REQUIRE_MFA = envbool("ADMIN_REQUIRE_MFA", not DEBUG)
# Rate limits count per client IP: behind N reverse proxies of ours, read it from the
# N-th last X-Forwarded-For entry (otherwise every visitor shares the proxy's address).
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

# Security: production values, relaxed only where local HTTP needs it.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", False) else None
)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if os.environ.get("STORAGE_BACKEND", "").strip().lower() == "s3":
    # Public images are linked straight from the public bucket.
    SECURE_CSP["img-src"].append(s3_origin(os.environ))

# Uploads: refused above these sizes before they reach a form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_IMAGE_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_DOCUMENT_UPLOAD_BYTES = 10 * 1024 * 1024

# Observability: JSON logs to stderr in production, error reports to Sentry when configured,
# a Permissions-Policy header, probes reachable over plain HTTP (the load balancer's).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "common.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "common.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",  # stderr
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Every request is logged once, by common.request_id, with its id and duration.
        "django.server": {"level": "WARNING"},
    },
}
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        integrations=[DjangoIntegration()],
        send_default_pii=False,
    )
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# No powerful feature is used, except security keys and passkeys (allauth.mfa, WebAuthn).
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "publickey-credentials-get": ["self"],
    "publickey-credentials-create": ["self"],
}
