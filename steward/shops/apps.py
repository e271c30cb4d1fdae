from django.apps import AppConfig


class ShopsConfig(AppConfig):
    name = "steward.shops"
    label = "shops"
    verbose_name = "店铺与数据"
