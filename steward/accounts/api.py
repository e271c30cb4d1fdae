from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from steward.accounts.api_auth import current_person
from steward.accounts.models import Membership
from steward.accounts.services import issue_token, revoke_token

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    organisation_id: int
    organisation: str
    kind: str
    role: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    memberships: list[MembershipOut]


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class NewTokenOut(TokenOut):
    key: str


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    person = current_person(request)
    memberships = [
        MembershipOut(
            organisation_id=m.organisation_id,
            organisation=m.organisation.name,
            kind=m.organisation.kind,
            role=m.role,
        )
        for m in Membership.objects.filter(person=person).select_related("organisation")
    ]
    return MeOut(id=person.pk, username=person.username, display_name=str(person), memberships=memberships)


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest) -> list[TokenOut]:
    tokens = current_person(request).api_tokens.filter(revoked_at=None).order_by("-created_at")
    return [
        TokenOut(id=t.pk, name=t.name, created_at=t.created_at, last_used_at=t.last_used_at) for t in tokens
    ]


@router.post("/tokens", response={201: NewTokenOut})
def create_token(request: HttpRequest, payload: TokenIn) -> Status[NewTokenOut]:
    name = payload.name.strip()[:100] or "api"
    token, key = issue_token(current_person(request), name)
    created = NewTokenOut(
        id=token.pk, name=token.name, created_at=token.created_at, last_used_at=None, key=key
    )
    return Status(201, created)


@router.delete("/tokens/{token_id}", response={204: None, 404: dict})
def delete_token(request: HttpRequest, token_id: int) -> Status[dict[str, str] | None]:
    if revoke_token(current_person(request), token_id):
        return Status(204, None)
    return Status(404, {"detail": "Not Found"})
