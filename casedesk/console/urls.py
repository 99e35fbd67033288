"""/console/: agents and managers."""

from django.urls import path

from casedesk.console import actions, new_call, queue_view
from casedesk.console.overview_page import overview_page

app_name = "console"
urlpatterns = [
    path("", queue_view.queue, name="home"),
    path("new/", new_call.new_call, name="new"),
    path("contacts", new_call.contacts, name="contacts"),
    path("cases/<str:number>/", actions.case, name="case"),
    path("cases/<str:number>/files/<int:attachment_id>/", actions.download, name="file"),
    path("cases/<str:number>/<slug:action>/", actions.act, name="act"),
    path("overview/<slug:slug>/", overview_page, name="overview"),
]
