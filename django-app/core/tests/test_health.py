"""/healthz and /readyz: answered for any Host and over plain HTTP; readiness follows the database."""

import socket

import pytest
from django.db import connections
from django.test import override_settings


def test_liveness_answers_without_touching_the_database(client):
    # No django_db mark: pytest-django makes any database access here an error.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_for_a_host_not_in_allowed_hosts(client, path):
    assert client.get("/", HTTP_HOST="unlisted.example").status_code == 400
    assert client.get(path, HTTP_HOST="unlisted.example").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_over_plain_http_when_ssl_redirect_is_on(client, path):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get("/").status_code == 301
        assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_readiness_is_ok_when_the_database_is_migrated(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_fails_while_migrations_are_pending(client):
    with override_settings(MIGRATION_MODULES={"core": "core.tests.pending_migrations"}):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "1 unapplied migration(s)"}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_readiness_fails_when_the_database_is_unreachable(client):
    connection = connections["default"]
    saved_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = _closed_port()
    try:
        response = client.get("/readyz")
        live = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved_port
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database unreachable"}
    assert live.status_code == 200


@pytest.mark.django_db
def test_readiness_tells_why_only_to_the_containers_own_probe(client):
    with override_settings(MIGRATION_MODULES={"core": "core.tests.pending_migrations"}):
        outside = client.get("/readyz", REMOTE_ADDR="203.0.113.5")
        probe = client.get("/readyz", REMOTE_ADDR="127.0.0.1")
    assert outside.status_code == 503
    assert outside.json() == {"status": "unavailable"}
    assert probe.json()["reason"] == "1 unapplied migration(s)"
