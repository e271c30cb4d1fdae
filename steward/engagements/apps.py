from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "steward.engagements"
    label = "engagements"
    verbose_name = "托管合作"
