"""Liveness and readiness answers for container probes (docker-entrypoint healthcheck live|ready)."""

import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def live(request):
    """The process serves requests. Touches no database: a database outage must not restart us."""
    return JsonResponse({"status": "ok"})


LOOPBACK = ("127.0.0.1", "::1")


def ready(request):
    """Worth sending traffic to: the database answers and every migration is applied.

    Why not is told only to the container's own probe (on loopback): through the proxy, clients
    learn that the app is unavailable, not what of it failed.
    """
    reason = _not_ready_reason()
    if reason:
        body = {"status": "unavailable"}
        if request.META.get("REMOTE_ADDR") in LOOPBACK:
            body["reason"] = reason
        return JsonResponse(body, status=503)
    return JsonResponse({"status": "ok"})


def _not_ready_reason() -> str | None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        # Details (host names, user) go to the log, not to whoever can reach the probe.
        logger.warning("readiness: database check failed", exc_info=True)
        return "database unreachable"
    if pending:
        return f"{len(pending)} unapplied migration(s)"
    return None
