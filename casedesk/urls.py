from django.contrib import admin
from django.urls import include, path

from casedesk.api import token_views
from casedesk.api.routes import api
from casedesk.core import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("account/", views.account, name="account"),
    path("account/tokens/", token_views.page, name="tokens"),
    path("account/tokens/new/", token_views.create, name="token_create"),
    path("account/tokens/<int:token_id>/revoke/", token_views.revoke, name="token_revoke"),
    path("portal/", include("casedesk.portal.urls")),
    path("console/reports/", include("casedesk.reports.urls")),
    path("console/whatif/", include("casedesk.whatif.urls")),
    path("console/", include("casedesk.console.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler404 = "casedesk.core.errors.not_found"
handler403 = "casedesk.core.errors.forbidden"
