from django.apps import AppConfig


class WhatIfConfig(AppConfig):
    name = "casedesk.whatif"
    label = "whatif"
    verbose_name = "What-if replays"
