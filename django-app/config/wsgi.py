"""WSGI entry point, loaded by gunicorn (config/gunicorn.conf.py) and by runserver."""

import os

from django.core.wsgi import get_wsgi_application

from config.env import django_env, require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Serving signs sessions and CSRF tokens: refuse to start without a key, naming the variable,
# rather than fail on the first request. Commands that sign nothing never import this module.
require_secret_key(django_env())

application = get_wsgi_application()
