from django.apps import AppConfig


class HooksConfig(AppConfig):
    name = "casedesk.hooks"
    label = "hooks"
    verbose_name = "Webhooks"
