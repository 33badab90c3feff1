"""Every environment variable the app reads, parsed and validated here and nowhere else.

The names are the contract with the stack, which is the seed's ``.env`` vocabulary; their defaults
come from ``contract.json`` beside this file, generated from the stack's settings table
(config/settings.ts, ``npm run generate``), so the image and the stack cannot disagree. Parsing is strict: a value that makes no sense is rejected with the
variable's name, the bad value and the fix, and every problem is reported at once, instead of being
guessed at (the seed's ``bool(os.environ.get("DEBUG"))`` turned ``DEBUG=False`` into True).

An empty value counts as unset, because compose passes an undefined ``${VAR}`` through as "".
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

with open(Path(__file__).with_name("contract.json"), encoding="utf-8") as _contract:
    DEFAULTS: dict[str, str | None] = json.load(_contract)["variables"]


def default(name: str) -> str:
    """The stack's default for NAME, as the variable's text (the contract lists every name read here)."""
    value = DEFAULTS[name]
    if value is None:
        raise KeyError(f"{name} has no default in contract.json")
    return value


TRUE = ("true", "1", "yes", "on")
FALSE = ("false", "0", "no", "off")
BOOLEAN_WORDS = "true/false/1/0/yes/no/on/off"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

POSTGRESQL = "django.db.backends.postgresql"
# postgresql_psycopg2 is the seed's value; Django removed that backend name in 3.0.
DATABASE_ENGINES = {
    "postgresql": POSTGRESQL,
    POSTGRESQL: POSTGRESQL,
    "postgresql_psycopg2": POSTGRESQL,
    "django.db.backends.postgresql_psycopg2": POSTGRESQL,
}


class EnvError(ImproperlyConfigured):
    """The environment is invalid; the message lists every problem found."""


@dataclass(frozen=True)
class DjangoEnv:
    secret_key: str | None
    debug: bool
    log_level: str
    allowed_hosts: tuple[str, ...]
    csrf_trusted_origins: tuple[str, ...]
    secure_proxy_ssl_header: bool
    secure_ssl_redirect: bool
    secure_cookies: bool
    secure_hsts_seconds: int
    database_engine: str
    database_name: str
    database_username: str
    database_password: str | None
    database_host: str
    database_port: int
    database_statement_timeout: int


@dataclass(frozen=True)
class GunicornEnv:
    workers: int
    threads: int
    timeout: int
    graceful_timeout: int
    log_level: str


class _Reader:
    """Reads variables from one environment and collects the problems instead of stopping at the first."""

    def __init__(self, environ: Mapping[str, str]):
        self.environ = environ
        self.problems: list[str] = []

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name, "")
        return value if value.strip() else None

    def string(self, name: str, default: str) -> str:
        value = self.raw(name)
        return default if value is None else value.strip()

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        word = value.strip().lower()
        if word in TRUE:
            return True
        if word in FALSE:
            return False
        self.problems.append(
            f'{name} must be one of {BOOLEAN_WORDS}, got "{value}"'
            f" (leave it unset for {'true' if default else 'false'})"
        )
        return default

    def integer(self, name: str, default: int, minimum: int, maximum: int | None = None) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value.strip(), 10)
        except ValueError:
            number = None
        if number is None or number < minimum or (maximum is not None and number > maximum):
            bounds = f"from {minimum} to {maximum}" if maximum is not None else f">= {minimum}"
            self.problems.append(
                f'{name} must be a whole number {bounds}, got "{value}" (leave it unset for {default})'
            )
            return default
        return number

    def choice(self, name: str, choices: Mapping[str, str], default: str, hint: str) -> str:
        value = self.raw(name)
        if value is None:
            return default
        key = value.strip()
        if key not in choices:
            self.problems.append(f'{name} must be {hint}, got "{value}"')
            return default
        return choices[key]

    def items(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.raw(name)
        if value is None:
            return default
        return tuple(item.strip() for item in value.split(",") if item.strip())

    def secret(self, name: str) -> str | None:
        """The value of NAME, or the content of the file named by NAME_FILE (trailing newlines
        stripped, as the postgres image's ``$(< file)`` does, so one file serves both)."""
        file_name = f"{name}_FILE"
        value, path = self.raw(name), self.raw(file_name)
        if value is not None and path is not None:
            self.problems.append(f"set either {name} or {file_name}, not both")
            return None
        if path is None:
            return value
        try:
            with open(path, encoding="utf-8") as handle:
                content = handle.read().rstrip("\n")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            self.problems.append(f'{file_name} names "{path}", which cannot be read: {reason}')
            return None
        if not content:
            self.problems.append(f'{file_name} names "{path}", which is empty: put the {name} value in it')
            return None
        return content

    def check(self) -> None:
        if self.problems:
            raise EnvError("invalid environment:\n" + "\n".join(f"  - {p}" for p in self.problems))


def _origins(reader: _Reader, name: str) -> tuple[str, ...]:
    origins = reader.items(name, ())
    for origin in origins:
        parts = urlsplit(origin)
        try:
            parts.port  # raises on a port that is not a number from 0 to 65535
            valid = parts.scheme in ("http", "https") and parts.hostname
            valid = valid and not (parts.path or parts.query or parts.fragment)
        except ValueError:
            valid = False
        if not valid:
            reader.problems.append(
                f"{name} entries must be origins like https://example.com (scheme://host[:port], no path),"
                f' got "{origin}"'
            )
    return origins


def _log_level(reader: _Reader) -> str:
    value = reader.raw("DJANGO_LOGLEVEL")
    if value is None:
        return default("DJANGO_LOGLEVEL")
    level = value.strip().upper()  # the seed's .env says "info"
    if level not in LOG_LEVELS:
        reader.problems.append(f'DJANGO_LOGLEVEL must be one of {"/".join(LOG_LEVELS)}, got "{value}"')
        return default("DJANGO_LOGLEVEL")
    return level


def django_env(environ: Mapping[str, str] = os.environ) -> DjangoEnv:
    """Django's settings from the environment; raises EnvError naming every bad variable."""
    r = _Reader(environ)
    env = DjangoEnv(
        secret_key=r.secret("DJANGO_SECRET_KEY"),
        debug=r.boolean("DEBUG", default("DEBUG") == "true"),
        log_level=_log_level(r),
        allowed_hosts=r.items("DJANGO_ALLOWED_HOSTS", tuple(default("DJANGO_ALLOWED_HOSTS").split(","))),
        csrf_trusted_origins=_origins(r, "DJANGO_CSRF_TRUSTED_ORIGINS"),
        secure_proxy_ssl_header=r.boolean(
            "DJANGO_SECURE_PROXY_SSL_HEADER", default("DJANGO_SECURE_PROXY_SSL_HEADER") == "true"
        ),
        secure_ssl_redirect=r.boolean("DJANGO_SECURE_SSL_REDIRECT", default("DJANGO_SECURE_SSL_REDIRECT") == "true"),
        secure_cookies=r.boolean("DJANGO_SECURE_COOKIES", default("DJANGO_SECURE_COOKIES") == "true"),
        secure_hsts_seconds=r.integer(
            "DJANGO_SECURE_HSTS_SECONDS", int(default("DJANGO_SECURE_HSTS_SECONDS")), minimum=0
        ),
        database_engine=r.choice(
            "DATABASE_ENGINE",
            DATABASE_ENGINES,
            DATABASE_ENGINES[default("DATABASE_ENGINE")],
            "postgresql or django.db.backends.postgresql (the old postgresql_psycopg2 names are read as postgresql)",
        ),
        database_name=r.string("DATABASE_NAME", default("DATABASE_NAME")),
        database_username=r.string("DATABASE_USERNAME", default("DATABASE_USERNAME")),
        database_password=r.secret("DATABASE_PASSWORD"),
        database_host=r.string("DATABASE_HOST", default("DATABASE_HOST")),
        database_port=r.integer("DATABASE_PORT", int(default("DATABASE_PORT")), minimum=1, maximum=65535),
        # set by gunicorn.conf.py when serving (a query never outlives its worker); 0: no limit,
        # as for migrations, which may take long
        database_statement_timeout=r.integer("DATABASE_STATEMENT_TIMEOUT", 0, minimum=0),
    )
    r.check()
    return env


def gunicorn_env(environ: Mapping[str, str] = os.environ) -> GunicornEnv:
    """Gunicorn's settings from the environment; raises EnvError naming every bad variable."""
    r = _Reader(environ)
    env = GunicornEnv(
        workers=r.integer("GUNICORN_WORKERS", int(default("GUNICORN_WORKERS")), minimum=1),
        threads=r.integer("GUNICORN_THREADS", int(default("GUNICORN_THREADS")), minimum=1),
        timeout=r.integer("GUNICORN_TIMEOUT", 30, minimum=1),
        graceful_timeout=r.integer("GUNICORN_GRACEFUL_TIMEOUT", 20, minimum=1),
        log_level=_log_level(r),
    )
    r.check()
    return env


def require_secret_key(env: DjangoEnv) -> None:
    """Refuse to serve in production without a secret key.

    Called where the key is needed (the WSGI entry point), not in settings, so that commands that
    sign nothing (collectstatic at image build, migrate) run without any secret.
    """
    if env.secret_key is None and not env.debug:
        raise EnvError(
            "DJANGO_SECRET_KEY is not set, and production (DEBUG off) cannot serve without it: "
            "set DJANGO_SECRET_KEY_FILE to a file holding the key (or DJANGO_SECRET_KEY to the key)"
        )
