"""The diagnosis over the API, mounted by the lead at /api/v1/diagnosis."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from steward.accounts.access import get_shop_for
from steward.accounts.api_auth import current_person
from steward.diagnosis.services import diagnosis_content

router = Router(tags=["diagnosis"])


@router.get("/shops/{code}", summary="店铺诊断（JSON，金额为分，比率为小数字符串）")
def shop_diagnosis(request: HttpRequest, code: str) -> dict[str, Any]:
    shop = get_shop_for(current_person(request), code=code)
    return diagnosis_content(shop)
