"""The stack's variables, read and checked in one place, and the process environment a project expects.

The stack passes the seed's ``.env`` vocabulary (``DEBUG``, ``DJANGO_ALLOWED_HOSTS``,
``DATABASE_HOST``, ...) and every secret as a ``*_FILE`` path. ``prepare()`` turns the secret files
into values *inside this process only* (never in the container's configuration, the Terraform state
or ``docker inspect``), so that a project reading ``DATABASE_URL`` (dj-database-url, django-environ),
``DJANGO_SECRET_KEY``/``SECRET_KEY`` or one of its own secret variables finds them. Every process of
the image calls it first: the entrypoint before it execs, and the settings overlay, so that a
``python manage.py ...`` run by hand in the container sees the same.

Standard library only: the health probe and the entrypoint import this without Django.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass
from urllib.parse import quote

TRUE = ("true", "1", "yes", "on")
FALSE = ("false", "0", "no", "off")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

#: Where the image keeps what it serves itself and what the media volume holds
#: (constructs/contracts.ts, ProjectImageContract).
STATIC_ROOT = "/srv/static"
MEDIA_ROOT = "/srv/media"

#: Set by the image build (collectstatic): no secret and no database exist then.
BUILD_FLAG = "DJANGO_CDKTF_BUILD"
#: The project's own secret variables, comma-separated: each NAME is read from NAME_FILE.
SECRET_VARIABLES = "DJANGO_CDKTF_SECRET_ENV"
#: The project's settings module, which the overlay imports (DJANGO_SETTINGS_MODULE is the overlay).
PROJECT_SETTINGS = "DJANGO_CDKTF_PROJECT_SETTINGS"


class StackEnvError(Exception):
    """The stack's variables are invalid; the message names every bad one and the fix."""


@dataclass(frozen=True)
class StackEnv:
    secret_key: str | None
    debug: bool
    log_level: str
    allowed_hosts: tuple[str, ...]
    csrf_trusted_origins: tuple[str, ...]
    secure_proxy_ssl_header: bool
    secure_ssl_redirect: bool
    secure_cookies: bool
    secure_hsts_seconds: int
    database_name: str
    database_user: str
    database_password: str | None
    database_host: str
    database_port: int
    database_statement_timeout: int
    media_url: str
    media_root: str
    static_root: str


def is_build(environ: MutableMapping[str, str] = os.environ) -> bool:
    return environ.get(BUILD_FLAG, "") == "1"


class _Reader:
    def __init__(self, environ: MutableMapping[str, str]):
        self.environ = environ
        self.problems: list[str] = []

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name, "")
        return value.strip() if value.strip() else None

    def string(self, name: str, default: str) -> str:
        return self.raw(name) or default

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if value.lower() in TRUE:
            return True
        if value.lower() in FALSE:
            return False
        self.problems.append(f'{name} must be one of true/false, 1/0, yes/no, on/off, got "{value}"')
        return default

    def integer(self, name: str, default: int, minimum: int, maximum: int) -> int:
        value = self.raw(name)
        if value is None:
            return default
        if not value.isdigit() or not minimum <= int(value) <= maximum:
            self.problems.append(f'{name} must be a whole number from {minimum} to {maximum}, got "{value}"')
            return default
        return int(value)

    def items(self, name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.raw(name)
        if value is None:
            return default
        return tuple(item.strip() for item in value.split(",") if item.strip())

    def secret(self, name: str) -> str | None:
        """NAME's value from the file NAME_FILE names (trailing newlines stripped), else NAME itself."""
        path = self.raw(f"{name}_FILE")
        if path is None:
            return self.raw(name)
        try:
            with open(path, encoding="utf-8") as handle:
                content = handle.read().rstrip("\n")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            self.problems.append(f'{name}_FILE names "{path}", which cannot be read: {reason}')
            return None
        if not content:
            self.problems.append(f'{name}_FILE names "{path}", which is empty: put the {name} value in it')
            return None
        return content

    def check(self) -> None:
        if self.problems:
            raise StackEnvError("invalid environment:\n" + "\n".join(f"  - {p}" for p in self.problems))


def stack_env(environ: MutableMapping[str, str] = os.environ) -> StackEnv:
    """The stack's settings; raises StackEnvError naming every bad variable."""
    r = _Reader(environ)
    level = r.string("DJANGO_LOGLEVEL", "INFO").upper()
    if level not in LOG_LEVELS:
        r.problems.append(f'DJANGO_LOGLEVEL must be one of {"/".join(LOG_LEVELS)}, got "{level}"')
        level = "INFO"
    media_url = r.string("DJANGO_MEDIA_URL", "/media/")
    if not (media_url.startswith("/") and media_url.endswith("/")) or media_url == "/":
        r.problems.append(f'DJANGO_MEDIA_URL must be a path like /media/ (leading and trailing /), got "{media_url}"')
    env = StackEnv(
        secret_key=r.secret("DJANGO_SECRET_KEY"),
        debug=r.boolean("DEBUG"),
        log_level=level,
        allowed_hosts=r.items("DJANGO_ALLOWED_HOSTS", ("localhost", "127.0.0.1")),
        csrf_trusted_origins=r.items("DJANGO_CSRF_TRUSTED_ORIGINS"),
        secure_proxy_ssl_header=r.boolean("DJANGO_SECURE_PROXY_SSL_HEADER"),
        secure_ssl_redirect=r.boolean("DJANGO_SECURE_SSL_REDIRECT"),
        secure_cookies=r.boolean("DJANGO_SECURE_COOKIES"),
        secure_hsts_seconds=r.integer("DJANGO_SECURE_HSTS_SECONDS", 0, 0, 315360000),
        database_name=r.string("DATABASE_NAME", "django"),
        database_user=r.string("DATABASE_USERNAME", "django"),
        database_password=r.secret("DATABASE_PASSWORD"),
        database_host=r.string("DATABASE_HOST", "db"),
        database_port=r.integer("DATABASE_PORT", 5432, 1, 65535),
        database_statement_timeout=r.integer("DATABASE_STATEMENT_TIMEOUT", 0, 0, 86400),
        media_url=media_url,
        media_root=r.string("DJANGO_MEDIA_ROOT", MEDIA_ROOT),
        # the image's; a project's tests on a host (scripts/test-django.sh) put it elsewhere
        static_root=r.string("DJANGO_STATIC_ROOT", STATIC_ROOT),
    )
    r.check()
    return env


def database_url(env: StackEnv) -> str:
    """postgresql://user:password@host:port/name, each part percent-encoded (any password works)."""
    password = quote(env.database_password or "", safe="")
    return (
        f"postgresql://{quote(env.database_user, safe='')}:{password}"
        f"@{env.database_host}:{env.database_port}/{quote(env.database_name, safe='')}"
    )


def prepare(environ: MutableMapping[str, str] = os.environ) -> StackEnv:
    """Puts the secret values and DATABASE_URL into this process's environment; returns the settings.

    Idempotent. At image build (collectstatic) there is no secret and no database: placeholders
    stand in, so that settings that read these variables at import still import.
    """
    r = _Reader(environ)
    names = [n.strip() for n in environ.get(SECRET_VARIABLES, "").split(",") if n.strip()]
    for name in names:
        value = r.secret(name)
        if value is not None:
            environ[name] = value
    r.check()
    env = stack_env(environ)
    if env.secret_key is not None:
        environ["DJANGO_SECRET_KEY"] = env.secret_key
        environ["SECRET_KEY"] = env.secret_key
    elif is_build(environ):
        placeholder = "build-only-" + secrets.token_urlsafe(40)
        environ.setdefault("DJANGO_SECRET_KEY", placeholder)
        environ.setdefault("SECRET_KEY", placeholder)
    if env.database_password is not None:
        environ["DATABASE_PASSWORD"] = env.database_password
    environ["DATABASE_URL"] = database_url(env)
    return env
