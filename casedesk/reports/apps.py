from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "casedesk.reports"
    label = "reports"
    verbose_name = "Reports"
