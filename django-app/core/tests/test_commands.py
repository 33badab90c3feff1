"""Promises about processes: what starts, what refuses to, and what `check --deploy` says."""

import os
import re
import subprocess
import sys
from pathlib import Path

APP_DIR = Path(__file__).resolve().parents[2]
KEY = "test-only-" + "0123456789" * 4  # long and varied enough for check --deploy
# The warnings that only serving over HTTPS can satisfy, with the toggle that clears each.
HTTPS_ONLY = {
    "security.W004": "DJANGO_SECURE_HSTS_SECONDS",
    "security.W008": "DJANGO_SECURE_SSL_REDIRECT",
    "security.W012": "DJANGO_SECURE_COOKIES",
    "security.W016": "DJANGO_SECURE_COOKIES",
}


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Runs python with only PATH and the given variables: nothing leaks in from the test run."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=APP_DIR,
        env={"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_serving_without_a_secret_key():
    result = run("-c", "import config.wsgi", DEBUG="False")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "DJANGO_SECRET_KEY_FILE" in result.stderr


def test_production_starts_serving_with_a_secret_key_file(tmp_path):
    key_file = tmp_path / "django_secret_key"
    key_file.write_text(KEY + "\n")
    result = run("-c", "import config.wsgi", DEBUG="False", DJANGO_SECRET_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr


def test_any_command_refuses_an_invalid_environment_naming_the_variable():
    result = run("manage.py", "check", DEBUG="maybe", GUNICORN_WORKERS="0")
    assert result.returncode != 0
    assert 'DEBUG must be one of true/false/1/0/yes/no/on/off, got "maybe"' in result.stderr


def test_collectstatic_needs_no_secret_and_no_database():
    result = run("manage.py", "collectstatic", "--noinput", "--dry-run")
    assert result.returncode == 0, result.stderr


def deploy_warnings(**env: str) -> set[str]:
    result = run("manage.py", "check", "--deploy", DJANGO_SECRET_KEY=KEY, DJANGO_ALLOWED_HOSTS="app.example", **env)
    assert result.returncode == 0, result.stderr
    return set(re.findall(r"\((security\.[WE]\d+)\)", result.stdout + result.stderr))


def test_check_deploy_warns_only_about_what_needs_https():
    assert deploy_warnings() <= set(HTTPS_ONLY)


def test_check_deploy_is_quiet_about_https_once_the_toggles_are_on():
    warnings = deploy_warnings(
        DJANGO_SECURE_PROXY_SSL_HEADER="true",
        DJANGO_SECURE_SSL_REDIRECT="true",
        DJANGO_SECURE_COOKIES="true",
        DJANGO_SECURE_HSTS_SECONDS="31536000",
    )
    assert not warnings & set(HTTPS_ONLY)
    # HSTS without includeSubDomains/preload: a per-domain decision no contract variable expresses yet.
    assert warnings <= {"security.W005", "security.W021"}
