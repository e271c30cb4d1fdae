from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "steward.approvals"
    label = "approvals"
    verbose_name = "审批与红线"
