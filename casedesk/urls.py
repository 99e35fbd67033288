from django.contrib import admin
from django.urls import include, path

from casedesk.api.routes import api
from casedesk.core import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("account/", views.account, name="account"),
    path("portal/", include("casedesk.portal.urls")),
    path("console/", include("casedesk.console.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler404 = "casedesk.core.errors.not_found"
handler403 = "casedesk.core.errors.forbidden"
