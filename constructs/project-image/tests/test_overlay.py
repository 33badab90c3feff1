"""What the settings overlay does to a project's settings: the stack's values win, and say so."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from django_cdktf import environment, overlay

KIT = Path(__file__).resolve().parents[1]
KEY = "stack-" + "k3y" * 20


def stack(**env: str) -> environment.StackEnv:
    return environment.stack_env({"DATABASE_PASSWORD": "pw", **env})


STARTPROJECT = {
    "SECRET_KEY": "django-insecure-committed",
    "DEBUG": True,
    "ALLOWED_HOSTS": [],
    "MIDDLEWARE": [
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
    ],
    "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/app/db.sqlite3"}},
    "STATIC_URL": "static/",
    "WSGI_APPLICATION": "mysite.wsgi.application",
}


def test_the_stack_wins_over_committed_values_and_names_them():
    result = overlay.apply(STARTPROJECT, stack(DJANGO_SECRET_KEY=KEY, DJANGO_ALLOWED_HOSTS="app.example"))
    s = result.settings
    assert (s["SECRET_KEY"], s["DEBUG"], s["ALLOWED_HOSTS"]) == (KEY, False, ["app.example"])
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert s["DATABASES"]["default"]["HOST"] == "db"
    assert result.overridden == ["SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASES['default']"]
    # what the project did not set is added, not overridden
    assert {"STATIC_ROOT", "MEDIA_ROOT", "LOGGING"} <= set(result.added)
    assert s["WSGI_APPLICATION"] == "mysite.wsgi.application"
    # the report names settings, never values
    assert KEY not in result.report() and "django-insecure" not in result.report()
    assert "override the project's SECRET_KEY, DEBUG, ALLOWED_HOSTS, DATABASES['default']" in result.report()


def test_the_committed_key_is_never_used_without_the_stacks():
    assert overlay.apply(STARTPROJECT, stack()).settings["SECRET_KEY"] == ""
    # at image build there is no secret: the project's stays, only for collectstatic
    assert overlay.apply(STARTPROJECT, stack(), build=True).settings["SECRET_KEY"] == "django-insecure-committed"


def test_the_health_check_comes_first_and_whitenoise_after_the_security_middleware():
    middleware = overlay.apply(STARTPROJECT, stack()).settings["MIDDLEWARE"]
    assert middleware == [
        overlay.HEALTH_MIDDLEWARE,
        "django.middleware.security.SecurityMiddleware",
        overlay.WHITENOISE_MIDDLEWARE,
        "django.contrib.sessions.middleware.SessionMiddleware",
    ]
    with_whitenoise = {**STARTPROJECT, "MIDDLEWARE": [overlay.WHITENOISE_MIDDLEWARE]}
    assert overlay.apply(with_whitenoise, stack()).settings["MIDDLEWARE"] == [
        overlay.HEALTH_MIDDLEWARE,
        overlay.WHITENOISE_MIDDLEWARE,
    ]
    assert overlay.WHITENOISE_MIDDLEWARE not in overlay.apply(STARTPROJECT, stack(), whitenoise=False).settings[
        "MIDDLEWARE"
    ]


def test_a_project_already_on_postgresql_keeps_its_own_options():
    project = {
        "DATABASES": {
            "default": {
                "ENGINE": "django.contrib.gis.db.backends.postgis",
                "NAME": "django",
                "USER": "django_app",
                "HOST": "db",
                "PORT": 5432,
                "ATOMIC_REQUESTS": True,
                "OPTIONS": {"sslmode": "disable"},
            },
            "replica": {"ENGINE": "django.db.backends.postgresql", "NAME": "other"},
        }
    }
    env = stack(DATABASE_USERNAME="django_app")
    result = overlay.apply(project, env)
    default = result.settings["DATABASES"]["default"]
    assert default["ENGINE"] == "django.contrib.gis.db.backends.postgis"
    assert default["ATOMIC_REQUESTS"] is True
    assert default["OPTIONS"] == {"connect_timeout": 3, "sslmode": "disable"}
    assert default["PASSWORD"] == "pw"
    assert result.settings["DATABASES"]["replica"] == {"ENGINE": "django.db.backends.postgresql", "NAME": "other"}
    # the same database the stack gives: not an override (dj-database-url reading DATABASE_URL)
    assert "DATABASES['default']" not in result.overridden


def test_media_and_static_roots_are_the_images():
    s = overlay.apply({**STARTPROJECT, "MEDIA_URL": "uploads/"}, stack(DJANGO_MEDIA_URL="/files/")).settings
    assert (s["STATIC_ROOT"], s["MEDIA_ROOT"], s["MEDIA_URL"]) == ("/srv/static", "/srv/media", "/files/")


def test_logging_goes_to_stdout_at_the_stacks_level():
    project = {**STARTPROJECT, "LOGGING": {"version": 1, "handlers": {"file": {"class": "logging.FileHandler"}}}}
    result = overlay.apply(project, stack(DJANGO_LOGLEVEL="warning"))
    assert result.settings["LOGGING"]["handlers"]["stdout"]["stream"] == "ext://sys.stdout"
    assert result.settings["LOGGING"]["root"]["level"] == "WARNING"
    assert "LOGGING" in result.overridden


def test_the_https_settings_follow_the_stack():
    project = {**STARTPROJECT, "SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_SECURE": True}
    result = overlay.apply(project, stack())
    # the stack serves plain HTTP here: a committed redirect to HTTPS would make the app unreachable
    assert result.settings["SECURE_SSL_REDIRECT"] is False
    assert {"SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE"} <= set(result.overridden)
    https = overlay.apply(project, stack(DJANGO_SECURE_SSL_REDIRECT="true", DJANGO_SECURE_PROXY_SSL_HEADER="1"))
    assert https.settings["SECURE_SSL_REDIRECT"] is True
    assert https.settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_the_overlay_module_imports_the_projects_settings(tmp_path):
    """The real module, in a process of its own: DJANGO_SETTINGS_MODULE=django_cdktf.settings."""
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite" / "__init__.py").write_text("")
    (tmp_path / "mysite" / "settings.py").write_text(
        "import os\nSECRET_KEY = 'committed'\nDEBUG = True\nALLOWED_HOSTS = []\n"
        "INSTALLED_APPS = ['django.contrib.contenttypes']\nURL_FROM_ENV = os.environ['DATABASE_URL']\n"
    )
    key = tmp_path / "key"
    key.write_text(KEY + "\n")
    password = tmp_path / "pw"
    password.write_text("p@ss:w/rd\n")
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECRET_KEY == open(%r).read().strip(), s.URL_FROM_ENV, ','.join(s.DJANGO_CDKTF_OVERRIDDEN))"
        % str(key)
    )
    env = {
        "PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": f"{KIT}{os.pathsep}{tmp_path}",
        "DJANGO_SETTINGS_MODULE": "django_cdktf.settings",
        "DJANGO_CDKTF_PROJECT_SETTINGS": "mysite.settings",
        "DJANGO_SECRET_KEY_FILE": str(key),
        "DATABASE_PASSWORD_FILE": str(password),
        "DJANGO_CDKTF_REPORT": "1",
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "postgresql://django:p%40ss%3Aw%2Frd@db:5432/django",
        # (it set no DATABASES: the stack's is added, not overridden)
        "SECRET_KEY,DEBUG,ALLOWED_HOSTS",
    ]
    assert "django-cdktf: the stack's settings override the project's SECRET_KEY, DEBUG" in result.stderr


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DJANGO_CDKTF_PROJECT_SETTINGS": ""}, "DJANGO_CDKTF_PROJECT_SETTINGS is not set"),
        ({"DJANGO_CDKTF_PROJECT_SETTINGS": "nosuch.settings"}, 'the project\'s settings module "nosuch.settings"'),
        ({"DJANGO_CDKTF_PROJECT_SETTINGS": "os", "DEBUG": "maybe"}, 'DEBUG must be one of true/false'),
    ],
)
def test_the_overlay_refuses_what_it_cannot_use_naming_it(env, message):
    code = "import django; django.setup()"
    full = {"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(KIT), "DJANGO_SETTINGS_MODULE": "django_cdktf.settings", **env}
    result = subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert message in result.stderr
