"""/console/: agents and managers."""

from django.urls import path

from casedesk.console import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
]
