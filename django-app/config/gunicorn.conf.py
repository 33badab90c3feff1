"""Gunicorn settings (docker-entrypoint serve: gunicorn -c config/gunicorn.conf.py).

Sizing comes from GUNICORN_* (validated in config.env); the rest is fixed by the image contract
(constructs/contracts.ts: port 8000, read-only root filesystem with a tmpfs on /tmp).
"""

import os

from config.env import gunicorn_env

_env = gunicorn_env()
# Loaded before the app (preload): the app's queries end before the worker's timeout would kill it.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", str(_env.timeout))

wsgi_app = "config.wsgi:application"
bind = "0.0.0.0:8000"
worker_class = "gthread"
workers = _env.workers
threads = _env.threads
timeout = _env.timeout
# On SIGTERM (docker stop), workers finish the requests in flight for up to this long, then exit 0.
graceful_timeout = _env.graceful_timeout
# Load the app once in the master: a bad configuration (e.g. no secret key) stops the start with one
# clear error instead of workers failing to boot in a loop; workers share the imported code.
preload_app = True
# Idle connections stay open longer than the proxy keeps them (3 s, constructs/contracts.ts), so the
# proxy closes them first and never sends a request on one gunicorn is closing.
keepalive = 5
# Worker heartbeat files; /tmp is the one writable path (a tmpfs) when the root filesystem is read-only.
worker_tmp_dir = "/tmp"
# gunicornc's control socket would be created under $HOME, which is read-only and unused here.
control_socket_disable = True
loglevel = _env.log_level.lower()
accesslog = "-"
errorlog = "-"
