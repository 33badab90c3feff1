"""Django settings. Every value that varies between deployments comes from config.env, which reads
and validates the environment (names: constructs/contracts.ts); nothing here reads os.environ."""

from pathlib import Path

from django.core.management.utils import get_random_secret_key

from config.env import django_env

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = django_env()

DEBUG = ENV.debug
# No default key: production refuses to serve without one (config.wsgi). Left empty, Django itself
# refuses any use of it, while commands that sign nothing (collectstatic at image build) still run.
# With DEBUG on, a per-process random key keeps local runs working without a shared insecure default.
SECRET_KEY = ENV.secret_key or (get_random_secret_key() if DEBUG else "")
ALLOWED_HOSTS = list(ENV.allowed_hosts)
CSRF_TRUSTED_ORIGINS = list(ENV.csrf_trusted_origins)

# Behind a TLS-terminating proxy; each toggle is off by default because the stack may serve plain HTTP.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if ENV.secure_proxy_ssl_header else None
SECURE_SSL_REDIRECT = ENV.secure_ssl_redirect
SESSION_COOKIE_SECURE = ENV.secure_cookies
CSRF_COOKIE_SECURE = ENV.secure_cookies
SECURE_HSTS_SECONDS = ENV.secure_hsts_seconds

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "core",
]

MIDDLEWARE = [
    # First, so that probes are answered before host validation and the HTTPS redirect.
    "core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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

DATABASES = {
    "default": {
        "ENGINE": ENV.database_engine,
        "NAME": ENV.database_name,
        "USER": ENV.database_username,
        "PASSWORD": ENV.database_password or "",
        "HOST": ENV.database_host,
        "PORT": ENV.database_port,
        # Reuse connections across requests, but check them first: the database may restart.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        # Fail fast when the database is unreachable or hung (a paused server accepts connections but
        # answers nothing), so /readyz answers within a probe's timeout and a request within its worker's.
        "OPTIONS": {
            "connect_timeout": 3,
            **(
                {"options": f"-c statement_timeout={ENV.database_statement_timeout * 1000}"}
                if ENV.database_statement_timeout
                else {}
            ),
        },
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Collected at image build; WhiteNoise serves them, compressed, with far-future caching of hashed names.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Templates link the hashed names (through the manifest); the unhashed copies would only add weight.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

# Everything to stdout, where the container runtime collects it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}
    },
    "root": {"handlers": ["stdout"], "level": ENV.log_level},
    # Drop Django's default handlers (console only in DEBUG, mail_admins): records reach the root.
    "loggers": {"django": {"handlers": [], "level": ENV.log_level, "propagate": True}},
}
