from django.urls import path

from steward.diagnosis import views

app_name = "diagnosis"

urlpatterns = [
    path("shops/<int:shop_id>/", views.diagnosis_detail, name="detail"),
    path("shops/<int:shop_id>/export.<str:fmt>", views.diagnosis_export, name="export"),
]
