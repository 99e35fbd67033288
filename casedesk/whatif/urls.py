"""/console/whatif/: a draft policy replayed over a period's cases (support managers), and one case's what-if."""

from django.urls import path

from casedesk.whatif import pages

app_name = "whatif"
urlpatterns = [
    path("run/<int:pk>/", pages.run_page, name="run"),
    path("run/<int:pk>/progress/", pages.run_progress, name="progress"),
    path("run/<int:pk>/flips.csv", pages.run_csv, name="csv"),
    path("case/<str:number>/", pages.case_page, name="case"),
    path("<slug:slug>/", pages.desk_runs, name="desk"),
]
