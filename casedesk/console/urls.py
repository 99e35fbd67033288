"""/console/: agents and managers."""

from django.urls import path

from casedesk.console import (
    actions,
    addresses_page,
    bulk,
    case_mail,
    hooks_page,
    new_call,
    quarantine_page,
    queue_view,
    saved_views,
    versions_page,
)
from casedesk.console.ledger_page import correct as ledger_correct
from casedesk.console.ledger_page import ledger_page
from casedesk.console.ledger_page import purchase as ledger_purchase
from casedesk.console.overview_page import overview_page
from casedesk.console.statement_page import statement as company_statement

app_name = "console"
urlpatterns = [
    path("", queue_view.queue, name="home"),
    path("bulk/", bulk.bulk, name="bulk"),
    path("views/", saved_views.save, name="save_view"),
    path("views/<int:view_id>/delete/", saved_views.delete, name="delete_view"),
    path("new/", new_call.new_call, name="new"),
    path("contacts", new_call.contacts, name="contacts"),
    path("cases/<str:number>/", actions.case, name="case"),
    path("cases/<str:number>/files/<int:attachment_id>/", actions.download, name="file"),
    path("cases/<str:number>/mail/<int:pk>/raw/", case_mail.received_raw, name="case_mail_raw"),
    path("cases/<str:number>/mail/<int:pk>/send-again/", case_mail.resend, name="case_mail_resend"),
    path("cases/<str:number>/<slug:action>/", actions.act, name="act"),
    path("overview/<slug:slug>/", overview_page, name="overview"),
    path("contracts/<int:contract_id>/ledger/", ledger_page, name="ledger"),
    path("contracts/<int:contract_id>/ledger/purchase/", ledger_purchase, name="ledger_purchase"),
    path("contracts/<int:contract_id>/ledger/<int:entry_id>/correct/", ledger_correct, name="ledger_correct"),
    path("companies/<int:company_id>/statement/", company_statement, name="statement"),
    path("mail/addresses/", addresses_page.addresses, name="addresses"),
    path("mail/addresses/<slug:slug>/add/", addresses_page.add, name="address_add"),
    path("mail/addresses/<slug:slug>/<int:pk>/remove/", addresses_page.remove, name="address_remove"),
    path("versions/", versions_page.versions, name="versions"),
    path("hooks/", hooks_page.hooks, name="hooks"),
    path("hooks/<slug:slug>/add/", hooks_page.add, name="hook_add"),
    path("hooks/<slug:slug>/<int:pk>/<slug:action>/", hooks_page.act, name="hook_act"),
    path("mail/quarantine/", quarantine_page.quarantine, name="quarantine"),
    path("mail/quarantine/<int:pk>/", quarantine_page.message, name="quarantine_message"),
    path("mail/quarantine/<int:pk>/raw/", quarantine_page.raw, name="quarantine_raw"),
    path("mail/quarantine/<int:pk>/release/", quarantine_page.release_message, name="quarantine_release"),
    path("mail/quarantine/<int:pk>/discard/", quarantine_page.discard_message, name="quarantine_discard"),
]
