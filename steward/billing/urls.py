"""Billing pages; the lead includes these at /billing/ with the namespace "billing"."""

from django.urls import path

from steward.billing import views

app_name = "billing"

urlpatterns = [
    path("engagements/<int:engagement_id>/contract/", views.contract_page, name="contract"),
    path("engagements/<int:engagement_id>/contract/submit/", views.contract_submit, name="contract_submit"),
    path(
        "engagements/<int:engagement_id>/contract/v<int:number>/decide/",
        views.contract_decide,
        name="contract_decide",
    ),
    path("engagements/<int:engagement_id>/statements/", views.statement_list, name="statements"),
    path("engagements/<int:engagement_id>/statements/draft/", views.statement_draft, name="statement_draft"),
    path("statements/<int:statement_id>/", views.statement_page, name="statement"),
    path("statements/<int:statement_id>/<str:action>/", views.statement_act, name="statement_act"),
    path("statements/<int:statement_id>.pdf", views.statement_pdf, name="statement_pdf"),
    path("statements/<int:statement_id>.xlsx", views.statement_xlsx, name="statement_xlsx"),
]
