from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "steward.duties"
    label = "duties"
    verbose_name = "职责与期限"
