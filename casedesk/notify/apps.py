from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "casedesk.notify"
    label = "notify"
    verbose_name = "E-mail out"
