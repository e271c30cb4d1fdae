from django.apps import AppConfig


class DiagnosisConfig(AppConfig):
    name = "steward.diagnosis"
    label = "diagnosis"
    verbose_name = "店铺诊断"
