"""Settings come from the environment through config.env: strict parsing, clear messages."""

import pytest

from config.env import EnvError, django_env, gunicorn_env, require_secret_key

KEY = "k" * 50


def problems(environ, parse=django_env) -> str:
    with pytest.raises(EnvError) as raised:
        parse(environ)
    return str(raised.value)


@pytest.mark.parametrize("value", ["False", "false", "0", "no", "off", "OFF", ""])
def test_debug_false_words_turn_debug_off(value):
    assert django_env({"DEBUG": value}).debug is False


@pytest.mark.parametrize("value", ["True", "1", "yes", "on"])
def test_debug_true_words_turn_debug_on(value):
    assert django_env({"DEBUG": value}).debug is True


def test_debug_is_off_by_default():
    assert django_env({}).debug is False


def test_fails_when_debug_is_not_a_boolean():
    assert 'DEBUG must be one of true/false/1/0/yes/no/on/off, got "maybe"' in problems({"DEBUG": "maybe"})


@pytest.mark.parametrize(
    "value",
    ["postgresql", "django.db.backends.postgresql", "postgresql_psycopg2", "django.db.backends.postgresql_psycopg2"],
)
def test_database_engine_names_map_to_postgresql(value):
    assert django_env({"DATABASE_ENGINE": value}).database_engine == "django.db.backends.postgresql"


def test_fails_when_database_engine_is_not_postgresql():
    message = problems({"DATABASE_ENGINE": "mysql"})
    assert 'DATABASE_ENGINE must be postgresql or django.db.backends.postgresql' in message
    assert '"mysql"' in message


def test_allowed_hosts_are_a_trimmed_comma_list():
    env = django_env({"DJANGO_ALLOWED_HOSTS": " example.com, ,.example.org ,"})
    assert env.allowed_hosts == ("example.com", ".example.org")


def test_csrf_trusted_origins_accept_scheme_and_host():
    origins = "https://example.com, http://localhost:8000,https://*.example.org"
    env = django_env({"DJANGO_CSRF_TRUSTED_ORIGINS": origins})
    assert env.csrf_trusted_origins == ("https://example.com", "http://localhost:8000", "https://*.example.org")


@pytest.mark.parametrize(
    "origin", ["example.com", "ftp://example.com", "https://example.com/path", "https://", "https://example.com:x"]
)
def test_fails_when_a_csrf_trusted_origin_is_not_an_origin(origin):
    message = problems({"DJANGO_CSRF_TRUSTED_ORIGINS": f"https://ok.example, {origin}"})
    assert "DJANGO_CSRF_TRUSTED_ORIGINS entries must be origins like https://example.com" in message
    assert f'got "{origin}"' in message


@pytest.mark.parametrize("level", ["info", "INFO", "Warning", "critical"])
def test_log_level_accepts_any_case(level):
    assert django_env({"DJANGO_LOGLEVEL": level}).log_level == level.upper()


def test_fails_when_log_level_is_unknown():
    assert 'DJANGO_LOGLEVEL must be one of DEBUG/INFO/WARNING/ERROR/CRITICAL, got "verbose"' in problems(
        {"DJANGO_LOGLEVEL": "verbose"}
    )


def test_https_toggles():
    env = django_env(
        {
            "DJANGO_SECURE_PROXY_SSL_HEADER": "true",
            "DJANGO_SECURE_SSL_REDIRECT": "yes",
            "DJANGO_SECURE_COOKIES": "1",
            "DJANGO_SECURE_HSTS_SECONDS": "31536000",
        }
    )
    assert (env.secure_proxy_ssl_header, env.secure_ssl_redirect, env.secure_cookies) == (True, True, True)
    assert env.secure_hsts_seconds == 31536000


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DJANGO_SECURE_HSTS_SECONDS", "-1", 'DJANGO_SECURE_HSTS_SECONDS must be a whole number >= 0, got "-1"'),
        ("DATABASE_PORT", "54x2", 'DATABASE_PORT must be a whole number from 1 to 65535, got "54x2"'),
        ("DATABASE_PORT", "70000", 'DATABASE_PORT must be a whole number from 1 to 65535, got "70000"'),
    ],
)
def test_fails_when_a_number_is_out_of_range(name, value, expected):
    assert expected in problems({name: value})


@pytest.mark.parametrize(
    "name", ["GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT"]
)
@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5"])
def test_fails_when_a_gunicorn_setting_is_not_a_positive_whole_number(name, value):
    assert f'{name} must be a whole number >= 1, got "{value}"' in problems({name: value}, gunicorn_env)


def test_gunicorn_defaults():
    env = gunicorn_env({})
    assert (env.workers, env.threads, env.timeout, env.graceful_timeout, env.log_level) == (2, 4, 30, 20, "INFO")


def test_reports_every_problem_at_once():
    message = problems({"DEBUG": "maybe", "DATABASE_PORT": "x", "DATABASE_ENGINE": "sqlite3"})
    assert "DEBUG" in message and "DATABASE_PORT" in message and "DATABASE_ENGINE" in message


def test_secret_is_read_from_the_file_without_trailing_newlines(tmp_path):
    key_file = tmp_path / "django_secret_key"
    key_file.write_text(KEY + "\n")
    password_file = tmp_path / "database_password"
    password_file.write_text("pa ss\n\n")
    env = django_env({"DJANGO_SECRET_KEY_FILE": str(key_file), "DATABASE_PASSWORD_FILE": str(password_file)})
    assert env.secret_key == KEY
    assert env.database_password == "pa ss"


def test_secret_from_the_variable_itself():
    env = django_env({"DJANGO_SECRET_KEY": KEY, "DATABASE_PASSWORD": "pw"})
    assert (env.secret_key, env.database_password) == (KEY, "pw")


def test_fails_when_a_secret_and_its_file_are_both_set(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(KEY)
    message = problems({"DJANGO_SECRET_KEY": KEY, "DJANGO_SECRET_KEY_FILE": str(key_file)})
    assert "set either DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE, not both" in message


def test_fails_when_the_secret_file_cannot_be_read(tmp_path):
    missing = tmp_path / "nope"
    message = problems({"DATABASE_PASSWORD_FILE": str(missing)})
    assert f'DATABASE_PASSWORD_FILE names "{missing}", which cannot be read: No such file or directory' in message


def test_fails_when_the_secret_file_is_empty(tmp_path):
    empty = tmp_path / "empty"
    empty.write_text("\n")
    assert f'DJANGO_SECRET_KEY_FILE names "{empty}", which is empty' in problems({"DJANGO_SECRET_KEY_FILE": str(empty)})


def test_messages_never_contain_secret_values():
    message = problems({"DJANGO_SECRET_KEY": "s3cr3t-value", "DJANGO_SECRET_KEY_FILE": "/x", "DEBUG": "maybe"})
    assert "s3cr3t-value" not in message


def test_production_refuses_to_serve_without_a_secret_key():
    with pytest.raises(EnvError) as raised:
        require_secret_key(django_env({"DEBUG": "false"}))
    assert "DJANGO_SECRET_KEY is not set" in str(raised.value)
    assert "DJANGO_SECRET_KEY_FILE" in str(raised.value)


def test_debug_serves_without_a_secret_key():
    require_secret_key(django_env({"DEBUG": "true"}))


def test_production_serves_with_a_secret_key():
    require_secret_key(django_env({"DJANGO_SECRET_KEY": KEY}))


def test_defaults_are_the_stacks_own():
    """Unset variables take the defaults of the stack's settings table (config/contract.json)."""
    env = django_env({})
    assert env.database_name == "django"
    assert env.database_username == "django"
    assert env.database_host == "db"
    assert env.database_port == 5432
    assert env.allowed_hosts == ("localhost", "127.0.0.1")
    assert env.log_level == "INFO"
    assert env.debug is False


def test_every_name_read_here_is_in_the_contract():
    from config.env import DEFAULTS

    for name in (
        "DEBUG",
        "DJANGO_LOGLEVEL",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_NAME",
        "DATABASE_USERNAME",
        "DATABASE_HOST",
        "DATABASE_PORT",
        "GUNICORN_WORKERS",
        "GUNICORN_THREADS",
        "DJANGO_SECRET_KEY_FILE",
        "DATABASE_PASSWORD_FILE",
    ):
        assert name in DEFAULTS
