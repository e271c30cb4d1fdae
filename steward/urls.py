from django.contrib import admin
from django.urls import include, path

from steward.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("diagnosis/", include("steward.diagnosis.urls")),
    path("signals/", include("steward.signals.urls")),
    path("billing/", include("steward.billing.urls")),
    path("", include("steward.web.urls")),
]
