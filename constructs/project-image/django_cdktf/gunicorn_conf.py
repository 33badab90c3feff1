"""Gunicorn's configuration in images built around a project (docker-entrypoint serve).

The project's own gunicorn.conf.py (beside manage.py), when present, is read first and kept. On top
of it the stack sets only what its contract needs: the address (0.0.0.0:8000, where the proxy and
the probes connect), a keep-alive of at least 5 s (longer than the proxy's), the app when the file
names none (``WSGI_APPLICATION``), and, when the file leaves them unset, the heartbeat directory
(/tmp, the one writable path), the worker count and threads (GUNICORN_WORKERS, GUNICORN_THREADS),
timeouts and logging to stdout.
"""

import os
import sys

_own_file = os.path.join(os.getcwd(), "gunicorn.conf.py")
_own: dict = {"__file__": _own_file, "__name__": "gunicorn_conf_of_the_project"}
if os.path.isfile(_own_file):
    with open(_own_file, encoding="utf-8") as _handle:
        exec(compile(_handle.read(), _own_file, "exec"), _own)  # noqa: S102 - the project's own config
    globals().update({k: v for k, v in _own.items() if not k.startswith("_")})


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        sys.exit(f'error: {name} must be a whole number >= 1, got "{value}"')
    return int(value)


def _unset(name: str) -> bool:
    return name not in _own


if _unset("timeout"):
    timeout = _int("GUNICORN_TIMEOUT", 30)
if _unset("graceful_timeout"):
    # docker stop's SIGTERM: requests in flight finish for up to this long
    graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
# the app's queries end before the worker's timeout would kill it (read by the settings overlay)
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", str(globals().get("timeout") or 30))

bind = ["0.0.0.0:8000"]
if _unset("wsgi_app"):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_cdktf.settings")
    from django.conf import settings as _settings

    _path = getattr(_settings, "WSGI_APPLICATION", None)
    if not _path or "." not in _path:
        sys.exit(
            "error: the project's settings name no WSGI_APPLICATION (e.g. mysite.wsgi.application), "
            "and its gunicorn.conf.py no wsgi_app: set one of them"
        )
    wsgi_app = ":".join(_path.rsplit(".", 1))
if _unset("workers"):
    workers = _int("GUNICORN_WORKERS", 2)
if _unset("threads"):
    threads = _int("GUNICORN_THREADS", 4)
if _unset("worker_class") and globals().get("threads", 1) > 1:
    worker_class = "gthread"
# at least 5 s, longer than the proxy keeps an idle connection (3 s, constructs/contracts.ts): the
# proxy closes it first, and never sends a request on a connection gunicorn is closing (a POST there
# would fail with 502); a project's longer keep-alive is kept
_keepalive = globals().get("keepalive")
if _keepalive is None:
    keepalive = 5
elif isinstance(_keepalive, bool) or not str(_keepalive).strip().isdigit():
    sys.exit(
        f'error: keepalive in gunicorn.conf.py must be a whole number of seconds, got "{_keepalive}"; '
        "set e.g. keepalive = 5, or remove it (the stack then uses 5)"
    )
else:
    keepalive = max(int(_keepalive), 5)
if _unset("worker_tmp_dir"):
    worker_tmp_dir = "/tmp"
if _unset("preload_app"):
    # the app loads once in the master: a bad configuration stops the start with one clear error
    preload_app = True
if _unset("control_socket_disable"):
    control_socket_disable = True
if _unset("accesslog"):
    accesslog = "-"
if _unset("errorlog"):
    errorlog = "-"
if _unset("loglevel"):
    loglevel = os.environ.get("DJANGO_LOGLEVEL", "INFO").strip().lower() or "info"
