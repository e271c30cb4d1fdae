from django.apps import AppConfig


class SignalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "steward.signals"
    label = "signals"
    verbose_name = "预警信号"
