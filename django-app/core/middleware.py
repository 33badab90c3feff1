from django.http import HttpRequest

from core import health

PROBES = {"/healthz": health.live, "/readyz": health.ready}


class HealthCheckMiddleware:
    """Answers the probes before any other middleware runs.

    Probes come from the container runtime on 127.0.0.1 or from a load balancer by IP, with a Host
    that ALLOWED_HOSTS need not list, and over plain HTTP even when SECURE_SSL_REDIRECT is on. So
    this must be the first middleware, and must never call request.get_host() (which validates).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
