from django.urls import path

from steward.signals import views

app_name = "signals"

urlpatterns = [
    path("engagements/<int:engagement_id>/", views.alerts, name="alerts"),
    path("engagements/<int:engagement_id>/rules/", views.rules, name="rules"),
    path("engagements/<int:engagement_id>/silences/", views.silences, name="silences"),
    path("episodes/<int:episode_id>/", views.episode, name="episode"),
]
