"""Liveness and readiness answers for container probes (docker-entrypoint healthcheck live|ready)."""

import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def live(request):
    """The process serves requests. Touches no database: a database outage must not restart us."""
    return JsonResponse({"status": "ok"})


def ready(request):
    """Worth sending traffic to: the database answers and every migration is applied."""
    reason = _not_ready_reason()
    if reason:
        return JsonResponse({"status": "unavailable", "reason": reason}, status=503)
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
