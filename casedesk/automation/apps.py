from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "casedesk.automation"
    label = "automation"
    verbose_name = "SLA automation"
