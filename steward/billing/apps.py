from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "steward.billing"
    label = "billing"
    verbose_name = "合同与结算"
