from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "casedesk.contracts"
    label = "contracts"
    verbose_name = "Contracts: entitlements and prepaid support"
