"""/portal/: requesters. /portal/cases/<number>/ is a fixed URL that other tools link to."""

from django.urls import path

from casedesk.portal import auth, scn_view, sla_view, views
from casedesk.portal.billing import deduct_ppi
from casedesk.portal.statement_view import statement

app_name = "portal"
urlpatterns = [
    path("", views.tracker, name="home"),
    path("statement/", statement, name="statement"),
    path("new/", views.new_case, name="new"),
    path("scns/", scn_view.scns, name="scns"),
    path("sla/", sla_view.sla, name="sla"),
    path("cases/<str:number>/", views.case_page, name="case"),
    path("cases/<str:number>/comment/", views.comment, name="comment"),
    path("cases/<str:number>/accept/", views.accept, name="accept"),
    path("cases/<str:number>/reopen/", views.reopen, name="reopen"),
    path("cases/<str:number>/escalate/", views.escalate, name="escalate"),
    path("cases/<str:number>/files/<int:attachment_id>/", views.download, name="file"),
    path("ppi/<int:ppi_id>/deduct/", deduct_ppi, name="ppi_deduct"),
    *auth.urlpatterns,
]
