"""What the stack changes in a project's settings: a pure function, so it is tested without Django.

The stack's values always win. A setting the project's module defines with another value is
*overridden* (named in the report, never with its value); one it does not define is *added*.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from typing import Any

from django_cdktf.environment import StackEnv

HEALTH_MIDDLEWARE = "django_cdktf.health.HealthCheckMiddleware"
WHITENOISE_MIDDLEWARE = "whitenoise.middleware.WhiteNoiseMiddleware"
SECURITY_MIDDLEWARE = "django.middleware.security.SecurityMiddleware"
POSTGRES_ENGINES = ("django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis")
CONNECTION_KEYS = ("NAME", "USER", "PASSWORD", "HOST", "PORT")


@dataclass
class Result:
    settings: dict[str, Any]
    overridden: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    def report(self) -> str:
        """One line for the container's log: names only, never values."""
        parts = [f"the stack's settings override the project's {', '.join(self.overridden) or 'nothing'}"]
        if self.added:
            parts.append(f"and add {', '.join(self.added)}")
        return "django-cdktf: " + " ".join(parts)


def stack_database(env: StackEnv) -> dict[str, Any]:
    options: dict[str, Any] = {"connect_timeout": 3}
    if env.database_statement_timeout:
        options["options"] = f"-c statement_timeout={env.database_statement_timeout * 1000}"
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": env.database_name,
        "USER": env.database_user,
        "PASSWORD": env.database_password or "",
        "HOST": env.database_host,
        "PORT": env.database_port,
        # reuse connections, but check them first: the database may restart
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


def _database(project: dict[str, Any], env: StackEnv) -> tuple[dict[str, Any], bool]:
    """DATABASES with the stack's PostgreSQL as `default`; whether the project's default differed.

    A project already on PostgreSQL keeps its own options (pooling, OPTIONS, ATOMIC_REQUESTS, TEST,
    a PostGIS engine); only the connection comes from the stack. Anything else (SQLite) is replaced.
    """
    databases = dict(project.get("DATABASES") or {})
    ours = stack_database(env)
    theirs = databases.get("default")
    if isinstance(theirs, dict) and theirs.get("ENGINE") in POSTGRES_ENGINES:
        merged = {**theirs, **{k: ours[k] for k in CONNECTION_KEYS}}
        merged["OPTIONS"] = {**ours["OPTIONS"], **(theirs.get("OPTIONS") or {})}
        differs = any(theirs.get(k) != merged[k] for k in CONNECTION_KEYS if k != "PASSWORD")
    else:
        merged = ours
        differs = theirs is not None
    databases["default"] = merged
    return databases, differs


def _logging(level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {
            "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}
        },
        "root": {"handlers": ["stdout"], "level": level},
        # Django's own handlers (console only with DEBUG, mail_admins) are dropped: records reach the root
        "loggers": {"django": {"handlers": [], "level": level, "propagate": True}},
    }


def _middleware(project: dict[str, Any], whitenoise: bool) -> tuple[list[str], list[str]]:
    """The project's middleware with the health check first and WhiteNoise after the security one."""
    middleware = [m for m in (project.get("MIDDLEWARE") or []) if m != HEALTH_MIDDLEWARE]
    added = ["health-check middleware"]
    if whitenoise and WHITENOISE_MIDDLEWARE not in middleware:
        at = middleware.index(SECURITY_MIDDLEWARE) + 1 if SECURITY_MIDDLEWARE in middleware else 0
        middleware.insert(at, WHITENOISE_MIDDLEWARE)
        added.append("WhiteNoise middleware")
    return [HEALTH_MIDDLEWARE, *middleware], added


def whitenoise_installed() -> bool:
    return importlib.util.find_spec("whitenoise") is not None


def apply(project: dict[str, Any], env: StackEnv, *, build: bool = False, whitenoise: bool = True) -> Result:
    """The project's settings with the stack's applied."""
    result = Result(settings=dict(project))

    def put(name: str, value: Any) -> None:
        if name not in project:
            result.added.append(name)
        elif project[name] != value:
            result.overridden.append(name)
        result.settings[name] = value

    if env.secret_key is not None:
        put("SECRET_KEY", env.secret_key)
    elif not build:
        # never the project's committed key: without the stack's, Django refuses to sign anything
        put("SECRET_KEY", "")
    put("DEBUG", env.debug)
    put("ALLOWED_HOSTS", list(env.allowed_hosts))
    put("CSRF_TRUSTED_ORIGINS", list(env.csrf_trusted_origins))
    put("SECURE_PROXY_SSL_HEADER", ("HTTP_X_FORWARDED_PROTO", "https") if env.secure_proxy_ssl_header else None)
    put("SECURE_SSL_REDIRECT", env.secure_ssl_redirect)
    put("SESSION_COOKIE_SECURE", env.secure_cookies)
    put("CSRF_COOKIE_SECURE", env.secure_cookies)
    put("SECURE_HSTS_SECONDS", env.secure_hsts_seconds)

    databases, differs = _database(project, env)
    result.settings["DATABASES"] = databases
    if differs:
        result.overridden.append("DATABASES['default']")
    elif "DATABASES" not in project:
        result.added.append("DATABASES")

    put("STATIC_ROOT", env.static_root)
    if not project.get("STATIC_URL"):
        put("STATIC_URL", "static/")
    put("MEDIA_ROOT", env.media_root)
    put("MEDIA_URL", env.media_url)
    put("LOGGING", _logging(env.log_level))
    if project.get("LOGGING_CONFIG", "logging.config.dictConfig") != "logging.config.dictConfig":
        put("LOGGING_CONFIG", "logging.config.dictConfig")

    middleware, added = _middleware(project, whitenoise)
    result.settings["MIDDLEWARE"] = middleware
    result.added.extend(added)
    return result
