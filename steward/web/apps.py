from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "steward.web"
    label = "web"
    verbose_name = "页面"
