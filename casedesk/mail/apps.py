from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "casedesk.mail"
    label = "mail"
    verbose_name = "E-mail in"
