"""What every workflow page shares: finding things through the access rule, calling one step
and turning its refusal into something a person can read, and showing a running clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from steward.accounts.access import visible_engagement_ids
from steward.accounts.models import Person
from steward.engagements.sla import ClockState
from steward.steps import StepNotAllowed
from steward.web.views.wording import say

T = TypeVar("T")
M = TypeVar("M", bound=Model)


def get_visible(queryset: QuerySet[M, Any], person: Person, pk: int, *, through: str = "engagement_id") -> M:
    """A deliverable, duty, request... found only through the engagements ``person`` may see,
    so an outsider gets the same 404 as for something that does not exist."""
    rule = {f"{through}__in": visible_engagement_ids(person)}
    return get_object_or_404(queryset.filter(**rule), pk=pk)


@dataclass
class Attempt(Generic[T]):
    """The outcome of one workflow step as a page shows it."""

    value: T | None = None
    refused: str = ""  # why the step was not allowed, in the reader's language
    status: int = 200  # 400 invalid input, 403 not this person's step, 409 not in this state

    @property
    def ok(self) -> bool:
        return self.status == 200


def attach(form: forms.Form, error: ValidationError) -> None:
    """Put a service's validation error next to the field it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, say(message))
    else:
        for message in error.messages:
            form.add_error(None, say(message))


def attempt(step: Callable[[], T], form: forms.Form | None = None) -> Attempt[T]:
    """Run one step; nothing is written when it refuses (each step is one transaction)."""
    try:
        return Attempt(step())
    except ValidationError as error:
        if form is not None:
            attach(form, error)
            return Attempt(status=400)
        return Attempt(refused=" ".join(say(m) for m in error.messages), status=400)
    except PermissionDenied as error:
        return Attempt(refused=say(error) or _("你没有进行这项操作的权限。"), status=403)
    except StepNotAllowed as error:
        return Attempt(refused=say(error), status=409)


def duration(seconds: int) -> str:
    """A span as people say it: "2 天 3 小时", "3 小时 20 分", "45 分"."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days and hours:
        return _("%(days)d 天 %(hours)d 小时") % {"days": days, "hours": hours}
    if days:
        return _("%(days)d 天") % {"days": days}
    if hours and minutes:
        return _("%(hours)d 小时 %(minutes)d 分") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)d 小时") % {"hours": hours}
    # Under a minute still reads as one minute: "0 分" left would look like a breach.
    return _("%(minutes)d 分") % {"minutes": max(minutes, 1) if seconds else 0}


@dataclass(frozen=True)
class ClockView:
    """A response clock as a badge: its words, its colour and when it runs out."""

    text: str
    tone: str  # ok | warn | late | paused
    due_at: dt.datetime | None
    working_time: bool


# Under a quarter of the time left: the badge turns amber so nobody is surprised by a breach.
WARN_SHARE = 0.25


def clock_view(state: ClockState | None, *, working_time: bool = False) -> ClockView | None:
    if state is None:
        return None
    if state.paused:
        return ClockView(_("已暂停"), "paused", None, working_time)
    if state.breached:
        return ClockView(
            _("已超时 %(late)s") % {"late": duration(-state.remaining_seconds)},
            "late",
            state.due_at,
            working_time,
        )
    tone = "warn" if state.remaining_seconds < state.target_seconds * WARN_SHARE else "ok"
    return ClockView(
        _("剩余 %(left)s") % {"left": duration(state.remaining_seconds)}, tone, state.due_at, working_time
    )


def seconds_view(seconds_left: int, due_at: dt.datetime | None) -> ClockView:
    """An approval's time left (plain seconds to its deadline) in the same badge."""
    if seconds_left < 0:
        return ClockView(_("已超时 %(late)s") % {"late": duration(seconds_left)}, "late", due_at, False)
    tone = "warn" if seconds_left < 4 * 3600 else "ok"
    return ClockView(_("剩余 %(left)s") % {"left": duration(seconds_left)}, tone, due_at, False)
