from django.contrib import admin
from django.urls import path

from casedesk.api.routes import api
from casedesk.core import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("portal/", views.portal_home, name="portal-home"),
    path("console/", views.console_home, name="console-home"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
