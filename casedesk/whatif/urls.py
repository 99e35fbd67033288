"""/console/whatif/: a draft policy replayed over a period's cases (support managers)."""

from django.urls import path  # noqa: F401

app_name = "whatif"
urlpatterns: list = []
