"""/portal/: requesters."""

from django.urls import path

from casedesk.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
]
