from django.urls import path

from steward.web.views import (
    approvals,
    assets,
    board,
    deliverables,
    duties,
    engagements,
    handover,
    imports,
    selection,
    session,
    shops,
    support,
    tokens,
)

app_name = "web"
urlpatterns = [
    path("", shops.home, name="home"),
    path("login/", session.login_page, name="login"),
    path("logout/", session.logout_page, name="logout"),
    path("shops/", shops.shop_list, name="shop_list"),
    path("shops/<int:shop_id>/", shops.shop_detail, name="shop_detail"),
    path("shops/<int:shop_id>/import/", imports.shop_import, name="shop_import"),
    path("import/", imports.import_start, name="import_start"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("assets/plotly.min.js", assets.plotly_js, name="plotly_js"),
    # 工作台: duties, requests and approvals across every engagement the person sees
    path("board/", board.board_page, name="board"),
    # Engagements and their tabs
    path("engagements/", engagements.engagement_list, name="engagement_list"),
    path("engagements/<int:engagement_id>/", engagements.engagement_detail, name="engagement_detail"),
    path("engagements/<int:engagement_id>/phase/", engagements.engagement_phase, name="engagement_phase"),
    path(
        "engagements/<int:engagement_id>/deliverables/",
        deliverables.deliverables_tab,
        name="engagement_deliverables",
    ),
    path("engagements/<int:engagement_id>/handover/", handover.handover_tab, name="engagement_handover"),
    path("engagements/<int:engagement_id>/access/", handover.access_grant, name="access_grant"),
    path("engagements/<int:engagement_id>/requests/", support.requests_tab, name="engagement_requests"),
    path(
        "engagements/<int:engagement_id>/guardrails/", approvals.guardrails_tab, name="engagement_guardrails"
    ),
    path(
        "engagements/<int:engagement_id>/guardrails/request/",
        approvals.guardrails_request,
        name="guardrails_request",
    ),
    path("deliverables/<int:deliverable_id>/versions/", deliverables.version_upload, name="version_upload"),
    path(
        "deliverables/<int:deliverable_id>/versions/<int:number>/file/",
        deliverables.version_file,
        name="version_file",
    ),
    path(
        "deliverables/<int:deliverable_id>/versions/<int:number>/sign/",
        deliverables.version_sign,
        name="version_sign",
    ),
    path(
        "deliverables/<int:deliverable_id>/versions/<int:number>/reject/",
        deliverables.version_reject,
        name="version_reject",
    ),
    path("checklist-items/<int:item_id>/done/", handover.checklist_tick, name="checklist_tick"),
    path("access/<int:grant_id>/revoke/", handover.access_revoke, name="access_revoke"),
    path("requests/<int:request_id>/<str:action>/", support.request_act, name="request_act"),
    # Duties
    path("duties/<int:duty_id>/", duties.duty_detail, name="duty_detail"),
    path("duties/<int:duty_id>/evidence/", duties.duty_evidence, name="duty_evidence"),
    path("duties/<int:duty_id>/<str:action>/", duties.duty_act, name="duty_act"),
    path("evidence/<int:evidence_id>/file/", duties.evidence_file, name="evidence_file"),
    # Approvals
    path("approvals/", approvals.inbox_page, name="approval_inbox"),
    path("approvals/monthly/", approvals.approvals_monthly, name="approvals_monthly"),
    path("approvals/<int:approval_id>/", approvals.approval_detail, name="approval_detail"),
    path("approvals/<int:approval_id>/<str:action>/", approvals.approval_act, name="approval_act"),
    # Choosing an agency (the merchant's own)
    path("selections/", selection.selection_list, name="selection_list"),
    path("selections/<int:selection_id>/", selection.selection_detail, name="selection_detail"),
    path("selections/<int:selection_id>/candidates/", selection.candidate_add, name="candidate_add"),
    path("selections/<int:selection_id>/choose/", selection.selection_choose, name="selection_choose"),
    path(
        "selections/<int:selection_id>/candidates/<int:candidate_id>/",
        selection.candidate_detail,
        name="candidate_detail",
    ),
    path(
        "selections/<int:selection_id>/candidates/<int:candidate_id>/<str:round_name>/",
        selection.candidate_round,
        name="candidate_round",
    ),
]
