"""/console/reports/: SLA compliance per desk and period (support managers)."""

from django.urls import path

from casedesk.reports import pages

app_name = "reports"
urlpatterns = [
    path("<slug:slug>/", pages.desk_report, name="desk"),
    path("<slug:slug>/cases/", pages.cases, name="cases"),
]
