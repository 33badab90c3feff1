"""The stack's probes, answered before the project's URLs and allowed hosts."""

import os
import subprocess
import sys
from pathlib import Path

KIT = Path(__file__).resolve().parents[1]

CODE = """
import json
import django
from django.conf import settings
settings.configure(
    ALLOWED_HOSTS=["app.example"],
    ROOT_URLCONF=__name__,
    DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1", "PORT": 1,
                           "NAME": "x", "USER": "x", "OPTIONS": {"connect_timeout": 1}}},
    LOGGING_CONFIG=None,
)
urlpatterns = []
django.setup()
from django.db import connection
from django.test import RequestFactory
from django_cdktf.health import HealthCheckMiddleware

def project(request):
    raise AssertionError("the project's own handling ran")

queries = []
connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a))
middleware = HealthCheckMiddleware(project)
live = middleware(RequestFactory().get("/healthz", HTTP_HOST="not-allowed.example"))
print(json.dumps({"live": [live.status_code, json.loads(live.content)], "queries_for_live": len(queries)}))
ready = middleware(RequestFactory().get("/readyz", HTTP_HOST="10.1.2.3:8000", REMOTE_ADDR="127.0.0.1"))
remote = middleware(RequestFactory().get("/readyz", REMOTE_ADDR="10.9.9.9"))
print(json.dumps({"ready": [ready.status_code, json.loads(ready.content)], "remote": json.loads(remote.content)}))
"""


def test_liveness_needs_no_database_and_readiness_says_why_only_to_loopback():
    env = {"PATH": os.environ["PATH"], "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(KIT)}
    result = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.strip().splitlines()[-2:]
    assert first == '{"live": [200, {"status": "ok"}], "queries_for_live": 0}'
    assert second == (
        '{"ready": [503, {"status": "unavailable", "reason": "database unreachable"}], '
        '"remote": {"status": "unavailable"}}'
    )
