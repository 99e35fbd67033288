"""/console/reports/: SLA compliance per desk and period (support managers)."""

from django.urls import path

from casedesk.reports import index_page, pages

app_name = "reports"
urlpatterns = [
    path("", index_page.index, name="index"),
    path("<slug:slug>/", pages.desk_report, name="desk"),
    path("<slug:slug>/cases/", pages.cases, name="cases"),
]
