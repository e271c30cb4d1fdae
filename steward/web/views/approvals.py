"""审批: the inbox, one request and its decision, the guardrail check of an engagement and the
monthly view. The guardrails and who decides by when are the approval service's; the pages
show its numbers in the reader's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from steward.accounts.access import get_engagement_for
from steward.accounts.api_auth import current_person
from steward.accounts.models import OrganisationKind, Person
from steward.approvals import services
from steward.approvals.guardrails import NEEDS_APPROVAL, Verdict
from steward.approvals.models import OPEN_STATES, ApprovalPolicy, ApprovalRequest, ApprovalState
from steward.duties.models import Party
from steward.duties.services import party_of
from steward.engagements.models import Engagement
from steward.web.forms import (
    PROPOSAL_KINDS,
    AnswerForm,
    ApprovalRequestForm,
    DecisionForm,
    MonthForm,
    ProposalForm,
    QuestionForm,
)
from steward.web.templatetags.formatting import pct, yuan
from steward.web.views.shell import shell
from steward.web.views.steps import ClockView, attempt, get_visible, seconds_view
from steward.web.views.wording import reads_english, role_label

KIND_LABELS = dict(PROPOSAL_KINDS)
# How many of a person's own and other open requests the inbox lists.
INBOX_LIMIT = 50


def finding_text(finding: dict[str, Any]) -> str:
    return str(finding.get("message_en" if reads_english() else "message_zh", ""))


@dataclass(frozen=True)
class Line:
    """One approval request in a list: what, for which engagement, and how long is left."""

    request: ApprovalRequest
    kind: str
    value: str  # the proposed figure: a price, a budget, a fee, or a discount as a percentage
    clock: ClockView | None  # None while nobody's clock runs (paused for a question, or settled)

    @property
    def paused(self) -> bool:
        return self.request.state == ApprovalState.QUESTION


def proposed_value(item: ApprovalRequest) -> str:
    value = item.proposal.get("value")
    if value is None:
        return "—"
    return pct(value, 0) if item.kind == "discount" else yuan(value)


def _line(item: ApprovalRequest, seconds_left: int) -> Line:
    clock = seconds_view(seconds_left, item.due_at) if item.state == ApprovalState.PENDING else None
    return Line(item, str(KIND_LABELS.get(item.kind, item.kind)), proposed_value(item), clock)


def _lines(requests: Any, now: dt.datetime) -> list[Line]:
    return [_line(r, int((r.due_at - now).total_seconds())) for r in requests]


def inbox_lines(person: Person) -> list[Line]:
    """What waits on this person, most urgent first, as the approval service's inbox says."""
    return [_line(item.request, item.seconds_left) for item in services.inbox(person)]


@require_safe
@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    now = timezone.now()
    waiting = inbox_lines(person)
    # Only the agency raises approvals; a merchant's inbox has no "raised by me" section.
    raises = person.memberships.filter(organisation__kind=OrganisationKind.AGENCY).exists()
    mine = (
        services.visible_requests(person)
        .filter(requested_by=person)
        .select_related("engagement", "requested_by")
    )
    shown = {row.request.pk for row in waiting}
    others = (
        services.visible_requests(person)
        .filter(state__in=OPEN_STATES)
        .exclude(requested_by=person)
        .exclude(pk__in=shown)
        .select_related("engagement", "requested_by")
        .order_by("due_at")
    )
    return render(
        request,
        "web/approval_inbox.html",
        {
            "section": "approvals",
            "waiting": waiting,
            "mine": _lines(mine[:INBOX_LIMIT], now),
            "others": _lines(others[:INBOX_LIMIT], now),
            "raises": raises,
        },
    )


def evidence_lines(item: ApprovalRequest) -> list[tuple[str, str]]:
    """Each piece of evidence as (text, link). Evidence also arrives through the API, so only
    plain web addresses become links: never a ``javascript:`` one."""
    lines = []
    for entry in item.evidence:
        pairs = entry.items() if isinstance(entry, dict) else [("note", entry)]
        for _key, value in pairs:
            text = str(value)
            lines.append((text, text if text.startswith(("https://", "http://")) else ""))
    return lines


def _approval_for(person: Person, approval_id: int) -> ApprovalRequest:
    queryset = services.visible_requests(person).select_related(
        "engagement__merchant", "engagement__agency", "requested_by", "decided_by"
    )
    return get_visible(queryset, person, approval_id)


def _moves(person: Person, item: ApprovalRequest, side: Party | None) -> set[str]:
    """The buttons to show; the approval steps decide whether each is allowed."""
    moves = set()
    if item.is_open and services.can_decide(person, item):
        moves.update({"approve", "reject"})
        if item.state == ApprovalState.PENDING:
            moves.add("ask")
    if side == Party.AGENCY and item.state == ApprovalState.QUESTION:
        moves.add("answer")
    if side == Party.AGENCY and item.is_open:
        moves.add("withdraw")
    return moves


def _page(
    request: HttpRequest,
    person: Person,
    item: ApprovalRequest,
    *,
    bound: dict[str, Any] | None = None,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    side = party_of(person, item.engagement)
    proposal = item.proposal
    context = {
        "section": "approvals",
        "item": item,
        "engagement": item.engagement,
        "side": side,
        "moves": _moves(person, item, side),
        "kind_label": KIND_LABELS.get(item.kind, item.kind),
        "value": proposed_value(item),
        "proposal": proposal,
        "findings": [(f.get("verdict"), finding_text(f)) for f in item.findings],
        "decider": role_label(item.decider_role),
        "clock": seconds_view(int((item.due_at - timezone.now()).total_seconds()), item.due_at)
        if item.state == ApprovalState.PENDING
        else None,
        "questions": item.questions.select_related("asked_by", "answered_by"),
        "evidence": evidence_lines(item),
        "decision_form": bound.get("decide") or DecisionForm(),
        "question_form": bound.get("ask") or QuestionForm(),
        "answer_form": bound.get("answer") or AnswerForm(),
        "open_form": next(iter(bound), ""),
        "refused": refused,
    }
    return render(request, "web/approval_detail.html", context, status=status)


@require_safe
@login_required
def approval_detail(request: HttpRequest, approval_id: int) -> HttpResponse:
    person = current_person(request)
    return _page(request, person, _approval_for(person, approval_id))


ACTIONS = ("approve", "reject", "ask", "answer", "withdraw")


@require_POST
@login_required
def approval_act(request: HttpRequest, approval_id: int, action: str) -> HttpResponse:
    person = current_person(request)
    item = _approval_for(person, approval_id)
    if action not in ACTIONS:
        raise Http404("action")
    key = {"approve": "decide", "reject": "decide", "ask": "ask", "answer": "answer"}.get(action, "")
    forms_by_key: dict[str, type[forms.Form]] = {
        "decide": DecisionForm,
        "ask": QuestionForm,
        "answer": AnswerForm,
    }
    form = forms_by_key[key](request.POST) if key else None
    bound = {key: form} if form is not None else {}
    if form is not None and not form.is_valid():
        return _page(request, person, item, bound=bound, status=400)
    data = form.cleaned_data if form is not None else {}

    def step() -> ApprovalRequest:
        if action in {"approve", "reject"}:
            return services.decide(item, person, approve=action == "approve", reason=data.get("reason", ""))
        if action == "ask":
            return services.ask_question(item, person, data["text"])
        if action == "answer":
            return services.answer_question(item, person, data["text"])
        return services.withdraw(item, person)

    done = attempt(step, form)
    if not done.ok:
        return _page(request, person, item, bound=bound, refused=done.refused, status=done.status)
    messages.success(
        request,
        {
            "approve": _("已批准。"),
            "reject": _("已驳回，托管方会看到你的理由。"),
            "ask": _("问题已发出，审批计时暂停，等托管方回答后继续。"),
            "answer": _("已回答，审批计时继续。"),
            "withdraw": _("申请已撤回。"),
        }[action],
    )
    return redirect("web:approval_detail", approval_id=item.pk)


# The guardrail check of one engagement

TIMEOUT_LABELS = {
    "escalate_then_reject": _lazy("先升级给商家负责人，仍未处理视为驳回"),
    "reject": _lazy("视为驳回"),
    "approve": _lazy("视为同意"),
}


@dataclass(frozen=True)
class PolicyLine:
    """One guardrail of the engagement in words: what it watches, who decides, how fast."""

    rule: str
    deciders: str
    limit: str
    on_timeout: str
    enabled: bool


def _rule_text(kind: str, params: dict[str, Any]) -> str:
    texts = {
        "spend_over": _("单次推广预算或活动预算超过 %(threshold)s"),
        "discount_over": _("折扣力度超过 %(max_discount)s"),
        "price_floor": _("售价低于成本的 %(multiple)s 倍（低于成本不允许）"),
        "hero_price_change": _("引流款的任何改价"),
        "event_plan_lead": _("大促活动方案（应提前 %(min_days)s 天提交）"),
        "unlisted_service": _("合同外的新增付费服务"),
    }
    shown = {
        "threshold": yuan(params.get("threshold")),
        "max_discount": pct(params.get("max_discount"), 0),
        "multiple": params.get("multiple", ""),
        "min_days": params.get("min_days", ""),
    }
    return texts[kind] % shown if kind in texts else kind


def _policy_lines(rows: list[ApprovalPolicy]) -> list[PolicyLine]:
    lines = []
    for row in rows:
        deciders = []
        for tier in row.tiers:
            role = role_label(str(tier.get("role", "")))
            if tier.get("up_to") is not None:
                deciders.append(
                    _("%(role)s（%(amount)s 以内）") % {"role": role, "amount": yuan(tier["up_to"])}
                )
            else:
                deciders.append(role)
        lines.append(
            PolicyLine(
                _rule_text(row.kind, row.params),
                " → ".join(deciders),
                limit_text(row.response_hours, row.working_time),
                str(TIMEOUT_LABELS.get(row.on_timeout, row.on_timeout)),
                row.enabled,
            )
        )
    return lines


def limit_text(hours: int, working_time: bool) -> str:
    """A decision limit as the approval service counts it: in working time, each 24 hours of
    the policy is one working day of office hours."""
    if not working_time:
        return _("%(hours)d 小时") % {"hours": hours}
    days, rest = divmod(hours, 24)
    if days and rest:
        return _("%(days)d 个工作日又 %(hours)d 个工作小时") % {"days": days, "hours": rest}
    if days:
        return _("%(days)d 个工作日") % {"days": days}
    return _("%(hours)d 个工作小时") % {"hours": rest}


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    findings: list[tuple[str, str, str]]  # (verdict, policy code, message)
    decider: str
    limit: str
    due_if_now: dt.datetime | None


def _outcome(engagement: Engagement, verdict: Verdict) -> Outcome:
    due = None
    if verdict.outcome == NEEDS_APPROVAL:
        # The deadline a request made now would get, computed by the approval service itself.
        due = services._window_end(timezone.now(), verdict.response_hours, verdict.working_time, engagement)
    findings = [
        (f.verdict, f.policy, f.message_en if reads_english() else f.message_zh) for f in verdict.findings
    ]
    decider = role_label(verdict.decider) if verdict.decider else ""
    limit = limit_text(verdict.response_hours, verdict.working_time) if due else ""
    return Outcome(verdict, findings, decider, limit, due)


def _guardrails(
    request: HttpRequest,
    person: Person,
    engagement: Engagement,
    *,
    check_form: ProposalForm,
    request_form: ApprovalRequestForm | None = None,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    outcome = None
    if check_form.is_bound and check_form.is_valid() and "proposal" in check_form.cleaned_data:
        done = attempt(
            lambda: services.check_action(engagement, check_form.cleaned_data["proposal"]), check_form
        )
        if done.ok and done.value is not None:
            outcome = _outcome(engagement, done.value)
        elif not done.ok and status == 200:
            status = done.status
            refused = refused or done.refused
    context = shell(person, engagement, "guardrails")
    if outcome is not None and outcome.verdict.outcome == NEEDS_APPROVAL and request_form is None:
        request_form = ApprovalRequestForm(initial=check_form.cleaned_data)
    recent = engagement.approval_requests.select_related("requested_by", "decided_by")[:20]
    context.update(
        check_form=check_form,
        outcome=outcome,
        request_form=request_form,
        refused=refused,
        approvals=_lines(recent, timezone.now()),
        policies=_policy_lines(services.ensure_policies(engagement)),
    )
    return render(request, "web/engagement_guardrails.html", context, status=status)


@require_safe
@login_required
def guardrails_tab(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    # A check writes nothing, so it is a GET: the result can be bookmarked or sent to a colleague.
    check_form = ProposalForm(request.GET) if "kind" in request.GET else ProposalForm()
    return _guardrails(request, person, engagement, check_form=check_form)


@require_POST
@login_required
def guardrails_request(request: HttpRequest, engagement_id: int) -> HttpResponse:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    form = ApprovalRequestForm(request.POST)
    check_form = ProposalForm(request.POST)
    if not form.is_valid():
        return _guardrails(request, person, engagement, check_form=check_form, request_form=form, status=400)
    data = form.cleaned_data
    done = attempt(
        lambda: services.request_approval(
            engagement,
            person,
            data["proposal"],
            data["reason"],
            title=data["title"],
            evidence=form.evidence_items(),
        ),
        form,
    )
    if not done.ok or done.value is None:
        return _guardrails(
            request,
            person,
            engagement,
            check_form=check_form,
            request_form=form,
            refused=done.refused,
            status=done.status,
        )
    messages.success(request, _("审批申请已提交，已通知商家。"))
    return redirect("web:approval_detail", approval_id=done.value.pk)


# The monthly view


def _month(value: str | None) -> dt.date:
    form = MonthForm({"month": value or ""})
    if form.is_valid():
        year, month = (int(p) for p in form.cleaned_data["month"].split("-"))
        return dt.date(year, month, 1)
    return timezone.localdate().replace(day=1)


@require_safe
@login_required
def approvals_monthly(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    first = _month(request.GET.get("month"))
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    engagements = Engagement.objects.visible_to(person).order_by("name")
    # One small query per engagement: a person follows tens of engagements, not thousands.
    rows = [
        (e, services.monthly_stats(e.approval_requests.all(), first.year, first.month)) for e in engagements
    ]
    return render(
        request,
        "web/approval_monthly.html",
        {
            "section": "approvals",
            "month": first,
            "previous": previous,
            "following": following if following <= timezone.localdate() else None,
            "rows": rows,
        },
    )
