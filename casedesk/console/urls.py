"""/console/: agents and managers."""

from django.urls import path

from casedesk.console import views
from casedesk.console.overview_page import overview_page

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("overview/<slug:slug>/", overview_page, name="overview"),
]
