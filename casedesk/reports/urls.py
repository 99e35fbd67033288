"""/console/reports/: SLA compliance per desk and period (support managers)."""

from django.urls import path  # noqa: F401

app_name = "reports"
urlpatterns: list = []
