"""The HTTP API under /api/v1/: personal tokens (Bearer) or the browser session."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from steward.accounts.api_auth import TokenAuth
from steward.steps import StepNotAllowed

api = NinjaAPI(
    title="Store Steward API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    description="店铺托管协作平台 API。用个人令牌（Authorization: Bearer stw_…）或登录会话访问。",
)


@api.exception_handler(NinjaValidationError)
def validation_errors(request: HttpRequest, exc: NinjaValidationError) -> Any:
    """Name the field that is wrong, in the same shape as every other error of the API."""
    problems = []
    for error in exc.errors:
        location = ".".join(str(part) for part in error.get("loc", ()) if part not in {"body", "payload"})
        problems.append({"field": location, "message": error.get("msg", "invalid")})
    return api.create_response(request, {"detail": "invalid input", "problems": problems}, status=422)


def _messages(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": str(m)} for field, errors in exc.message_dict.items() for m in errors
        ]
    return [{"field": "", "message": str(m)} for m in exc.messages]


@api.exception_handler(DjangoValidationError)
def domain_validation_errors(request: HttpRequest, exc: DjangoValidationError) -> Any:
    return api.create_response(request, {"detail": "invalid input", "problems": _messages(exc)}, status=422)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> Any:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(StepNotAllowed)
def conflict(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"detail": str(exc)}, status=409)


def _register_routers() -> None:
    from steward.accounts.api import router as accounts_router
    from steward.approvals.api import router as approvals_router
    from steward.billing.api import router as billing_router
    from steward.diagnosis.api import router as diagnosis_router
    from steward.duties.api import calendar_router
    from steward.duties.api import router as duties_router
    from steward.engagements.api import router as engagements_router
    from steward.engagements.api import selection_router
    from steward.notifications.api import router as notifications_router
    from steward.shops.api import router as shops_router
    from steward.signals.api import router as signals_router

    api.add_router("/", accounts_router)
    api.add_router("/shops", shops_router)
    api.add_router("/engagements", engagements_router)
    api.add_router("/duties", duties_router)
    api.add_router("/selections", selection_router)
    api.add_router("/", calendar_router)
    api.add_router("/notifications", notifications_router)
    api.add_router("/", approvals_router)
    api.add_router("/diagnosis", diagnosis_router)
    api.add_router("/signals", signals_router)
    api.add_router("/billing", billing_router)


_register_routers()
