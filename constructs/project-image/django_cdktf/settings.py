"""The settings overlay: the image's DJANGO_SETTINGS_MODULE.

Imports the project's own settings module (DJANGO_CDKTF_PROJECT_SETTINGS, found by the stack from
manage.py or given as DJANGO_SETTINGS_MODULE), takes every setting it defines, then applies the
stack's (django_cdktf.overlay), which always win. Which committed values were overridden is logged
once per process when serving (names only), and ``docker-entrypoint overrides`` prints it.
"""

import importlib
import os
import sys

from django.core.exceptions import ImproperlyConfigured

from django_cdktf import environment, overlay

try:
    _env = environment.prepare()
except environment.StackEnvError as error:
    raise ImproperlyConfigured(str(error)) from None

_name = os.environ.get(environment.PROJECT_SETTINGS, "").strip()
if not _name:
    raise ImproperlyConfigured(
        f"{environment.PROJECT_SETTINGS} is not set: it names the project's settings module "
        "(the stack sets it from manage.py, or from DJANGO_SETTINGS_MODULE)"
    )
if _name == __name__:
    raise ImproperlyConfigured(f"{environment.PROJECT_SETTINGS} names the overlay itself; name the project's module")
try:
    _project = importlib.import_module(_name)
except ImportError as error:
    if getattr(error, "name", None) and _name.startswith(str(error.name)):
        raise ImproperlyConfigured(
            f'the project\'s settings module "{_name}" cannot be imported: {error}; '
            "check DJANGO_SETTINGS_MODULE and DJANGO_PROJECT_DIR"
        ) from error
    raise

_result = overlay.apply(
    {key: getattr(_project, key) for key in dir(_project) if key.isupper()},
    _env,
    build=environment.is_build(),
    whitenoise=overlay.whitenoise_installed(),
)
globals().update(_result.settings)
#: Names of the project's settings the stack overrode, for `docker-entrypoint overrides` and tests.
DJANGO_CDKTF_OVERRIDDEN = tuple(_result.overridden)
DJANGO_CDKTF_ADDED = tuple(_result.added)

if os.environ.pop("DJANGO_CDKTF_REPORT", "") == "1":
    print(_result.report(), file=sys.stderr, flush=True)
