"""The stack's variables, turned into the process environment a project expects."""

import pytest

from django_cdktf import environment


def test_secret_files_become_values_in_the_process_only(tmp_path):
    (tmp_path / "key").write_text("the-key\n")
    (tmp_path / "pw").write_text("p@ss word/%\n")
    (tmp_path / "stripe").write_text("sk_live_x\n")
    env = {
        "DJANGO_SECRET_KEY_FILE": str(tmp_path / "key"),
        "DATABASE_PASSWORD_FILE": str(tmp_path / "pw"),
        "DATABASE_USERNAME": "django_app",
        "DATABASE_HOST": "db",
        "STRIPE_KEY_FILE": str(tmp_path / "stripe"),
        "DJANGO_CDKTF_SECRET_ENV": "STRIPE_KEY",
    }
    settings = environment.prepare(env)
    assert env["DJANGO_SECRET_KEY"] == env["SECRET_KEY"] == "the-key"
    assert env["DATABASE_PASSWORD"] == "p@ss word/%"
    assert env["STRIPE_KEY"] == "sk_live_x"
    # percent-encoded: any password makes a URL dj-database-url and django-environ read back
    assert env["DATABASE_URL"] == "postgresql://django_app:p%40ss%20word%2F%25@db:5432/django"
    assert settings.secret_key == "the-key"


def test_at_build_placeholders_stand_in_for_the_secrets():
    env = {environment.BUILD_FLAG: "1"}
    environment.prepare(env)
    assert env["DJANGO_SECRET_KEY"].startswith("build-only-")
    assert env["SECRET_KEY"] == env["DJANGO_SECRET_KEY"]
    assert env["DATABASE_URL"].startswith("postgresql://django:@db:5432/")


def test_a_missing_secret_file_is_named(tmp_path):
    with pytest.raises(environment.StackEnvError, match='STRIPE_KEY_FILE names ".*missing", which cannot be read'):
        environment.prepare({"DJANGO_CDKTF_SECRET_ENV": "STRIPE_KEY", "STRIPE_KEY_FILE": str(tmp_path / "missing")})


def test_nonsense_is_refused_naming_every_variable():
    with pytest.raises(environment.StackEnvError) as raised:
        environment.stack_env({"DEBUG": "maybe", "DATABASE_PORT": "54x2", "DJANGO_MEDIA_URL": "media"})
    text = str(raised.value)
    assert 'DEBUG must be one of true/false, 1/0, yes/no, on/off, got "maybe"' in text
    assert 'DATABASE_PORT must be a whole number from 1 to 65535, got "54x2"' in text
    assert 'DJANGO_MEDIA_URL must be a path like /media/' in text
