"""Liveness and readiness, answered by the first middleware: the project needs no health view.

Probes come from the container runtime on 127.0.0.1, or from the proxy by the container's name, with
a Host that ALLOWED_HOSTS need not list, over plain HTTP even when SECURE_SSL_REDIRECT is on; so this
answers before any other middleware and never calls request.get_host() (which validates the host).
"""

import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
LOOPBACK = ("127.0.0.1", "::1")


def live(request: HttpRequest) -> JsonResponse:
    """The process serves requests. Touches no database: a database outage must not restart the app."""
    return JsonResponse({"status": "ok"})


def ready(request: HttpRequest) -> JsonResponse:
    """Worth sending traffic to: the database answers and every migration is applied.

    Why not is told only to the container's own probe (on loopback).
    """
    reason = not_ready_reason()
    if reason:
        body = {"status": "unavailable"}
        if request.META.get("REMOTE_ADDR") in LOOPBACK:
            body["reason"] = reason
        return JsonResponse(body, status=503)
    return JsonResponse({"status": "ok"})


def not_ready_reason() -> str | None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        # details (host names, user) go to the log, not to whoever can reach the probe
        logger.warning("readiness: database check failed", exc_info=True)
        return "database unreachable"
    if pending:
        return f"{len(pending)} unapplied migration(s)"
    return None


PROBES = {LIVENESS_PATH: live, READINESS_PATH: ready}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
