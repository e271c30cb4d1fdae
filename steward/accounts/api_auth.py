"""How an API request says who it is: a personal token (Bearer) or the browser session."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from steward.accounts.models import Person
from steward.accounts.services import person_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        person = person_for_token(token)
        if person is not None:
            request.user = person
        return person


def current_person(request: HttpRequest) -> Person:
    user = request.user
    if not isinstance(user, Person):  # the routers' auth guarantees this
        raise PermissionError("request is not authenticated")
    return user
