"""URLs. The probes /healthz and /readyz are answered by core.middleware before routing."""

from django.contrib import admin
from django.urls import path

from core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
]
