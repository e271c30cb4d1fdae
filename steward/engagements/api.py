"""Engagements, their deliverables, checklists, access registry, requests and agency selection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from steward.accounts.access import get_engagement_for, visible_engagement_ids
from steward.accounts.api_auth import current_person
from steward.accounts.models import Organisation
from steward.duties.services import current_calendar
from steward.engagements import choosing, requests, services
from steward.engagements.models import (
    AccessGrant,
    ChecklistItem,
    Deliverable,
    DeliverableVersion,
    Engagement,
    SupportRequest,
)
from steward.shops.models import Shop

router = Router(tags=["engagements"])


def _request_client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class EngagementOut(Schema):
    id: int
    name: str
    merchant: str
    agency: str
    phase: str
    phase_label: str
    research_starts_on: dt.date | None
    starts_on: dt.date
    ends_on: dt.date
    shops: list[str]


class EngagementIn(Schema):
    name: str
    merchant_id: int
    agency_id: int
    shop_ids: list[int]
    starts_on: dt.date
    ends_on: dt.date
    research_starts_on: dt.date | None = None


def _engagement_out(e: Engagement) -> EngagementOut:
    return EngagementOut(
        id=e.pk,
        name=e.name,
        merchant=e.merchant.name,
        agency=e.agency.name,
        phase=e.phase,
        phase_label=str(e.get_phase_display()),
        research_starts_on=e.research_starts_on,
        starts_on=e.starts_on,
        ends_on=e.ends_on,
        shops=[s.code for s in e.shops.all()],
    )


@router.get("/", response=list[EngagementOut])
def list_engagements(request: HttpRequest) -> list[EngagementOut]:
    person = current_person(request)
    engagements = (
        Engagement.objects.visible_to(person).select_related("merchant", "agency").prefetch_related("shops")
    )
    return [_engagement_out(e) for e in engagements]


@router.post("/", response={201: EngagementOut})
def create_engagement(request: HttpRequest, payload: EngagementIn) -> Status[EngagementOut]:
    person = current_person(request)
    merchant = get_object_or_404(Organisation, pk=payload.merchant_id, kind="merchant")
    agency = get_object_or_404(Organisation, pk=payload.agency_id, kind="agency")
    shops = list(Shop.objects.visible_to(person).filter(pk__in=payload.shop_ids))
    if len(shops) != len(set(payload.shop_ids)):
        raise Http404("shop")
    engagement = services.create_engagement(
        services.NewEngagement(
            name=payload.name,
            merchant=merchant,
            agency=agency,
            shops=shops,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            research_starts_on=payload.research_starts_on,
        ),
        person,
    )
    return Status(201, _engagement_out(engagement))


@router.get("/{engagement_id}", response=EngagementOut)
def get_engagement(request: HttpRequest, engagement_id: int) -> EngagementOut:
    return _engagement_out(get_engagement_for(current_person(request), engagement_id))


class PhaseIn(Schema):
    phase: str


@router.post("/{engagement_id}/phase", response=EngagementOut)
def change_phase(request: HttpRequest, engagement_id: int, payload: PhaseIn) -> EngagementOut:
    person = current_person(request)
    engagement = services.advance_phase(get_engagement_for(person, engagement_id), person, payload.phase)
    return _engagement_out(engagement)


# Deliverables


class SignatureOut(Schema):
    person: str
    party: str
    decision: str
    reason: str
    signed_at: dt.datetime
    ip: str | None
    signed_hash: str


class VersionOut(Schema):
    id: int
    number: int
    status: str
    content_hash: str
    filename: str
    content: Any = None
    created_at: dt.datetime
    signatures: list[SignatureOut]


class DeliverableOut(Schema):
    id: int
    kind: str
    title: str
    period: str
    duty_id: int | None
    signers: list[str]
    versions: list[VersionOut]


def _version_out(v: DeliverableVersion) -> VersionOut:
    return VersionOut(
        id=v.pk,
        number=v.number,
        status=v.status,
        content_hash=v.content_hash,
        filename=v.filename,
        content=v.content,
        created_at=v.created_at,
        signatures=[
            SignatureOut(
                person=str(s.person),
                party=s.party,
                decision=s.decision,
                reason=s.reason,
                signed_at=s.signed_at,
                ip=s.ip,
                signed_hash=s.signed_hash,
            )
            for s in v.signatures.select_related("person")
        ],
    )


def _deliverable_out(d: Deliverable) -> DeliverableOut:
    return DeliverableOut(
        id=d.pk,
        kind=d.kind,
        title=d.title,
        period=d.period,
        duty_id=d.duty_id,
        signers=[p.username for p in d.signers.all()],
        versions=[_version_out(v) for v in d.versions.order_by("number")],
    )


def _deliverable_for(request: HttpRequest, deliverable_id: int) -> Deliverable:
    person = current_person(request)
    return get_object_or_404(
        Deliverable.objects.filter(engagement_id__in=visible_engagement_ids(person)), pk=deliverable_id
    )


@router.get("/{engagement_id}/deliverables", response=list[DeliverableOut])
def list_deliverables(request: HttpRequest, engagement_id: int) -> list[DeliverableOut]:
    engagement = get_engagement_for(current_person(request), engagement_id)
    # Recurring reports that nobody has started yet are left out to keep the list readable.
    items = engagement.deliverables.prefetch_related("signers").order_by("created_at")
    return [_deliverable_out(d) for d in items if d.versions.exists() or not d.period]


@router.get("/deliverables/{deliverable_id}", response=DeliverableOut)
def get_deliverable(request: HttpRequest, deliverable_id: int) -> DeliverableOut:
    return _deliverable_out(_deliverable_for(request, deliverable_id))


class ContentIn(Schema):
    content: dict[str, Any]
    note: str = ""


@router.post("/deliverables/{deliverable_id}/versions", response={201: VersionOut})
def add_content_version(request: HttpRequest, deliverable_id: int, payload: ContentIn) -> Status[VersionOut]:
    deliverable = _deliverable_for(request, deliverable_id)
    version = services.add_version(
        deliverable, current_person(request), content=payload.content, note=payload.note
    )
    return Status(201, _version_out(version))


@router.post("/deliverables/{deliverable_id}/files", response={201: VersionOut})
def add_file_version(
    request: HttpRequest, deliverable_id: int, file: File[UploadedFile], note: Form[str] = ""
) -> Status[VersionOut]:
    deliverable = _deliverable_for(request, deliverable_id)
    version = services.add_version(deliverable, current_person(request), upload=file, note=note)
    return Status(201, _version_out(version))


class DecisionIn(Schema):
    expected_hash: str | None = None
    reason: str = ""


def _version_for(request: HttpRequest, deliverable_id: int, number: int) -> DeliverableVersion:
    deliverable = _deliverable_for(request, deliverable_id)
    return get_object_or_404(deliverable.versions, number=number)


@router.post("/deliverables/{deliverable_id}/versions/{number}/sign", response=VersionOut)
def sign_version(request: HttpRequest, deliverable_id: int, number: int, payload: DecisionIn) -> VersionOut:
    version = _version_for(request, deliverable_id, number)
    services.decide_version(
        version,
        current_person(request),
        sign=True,
        ip=_request_client_ip(request),
        expected_hash=payload.expected_hash,
    )
    version.refresh_from_db()
    return _version_out(version)


@router.post("/deliverables/{deliverable_id}/versions/{number}/reject", response=VersionOut)
def reject_version(request: HttpRequest, deliverable_id: int, number: int, payload: DecisionIn) -> VersionOut:
    version = _version_for(request, deliverable_id, number)
    services.decide_version(
        version,
        current_person(request),
        sign=False,
        reason=payload.reason,
        ip=_request_client_ip(request),
        expected_hash=payload.expected_hash,
    )
    version.refresh_from_db()
    return _version_out(version)


# Checklists and access registry


class ChecklistItemOut(Schema):
    id: int
    checklist: str
    code: str
    label: str
    owner_party: str
    needs_merchant_confirmation: bool
    due_on: dt.date | None
    done_at: dt.datetime | None
    done_by: str | None
    late_days: int
    penalty_per_day: Decimal | None


def _item_out(i: ChecklistItem) -> ChecklistItemOut:
    return ChecklistItemOut(
        id=i.pk,
        checklist=i.checklist,
        code=i.code,
        label=i.label,
        owner_party=i.owner_party,
        needs_merchant_confirmation=i.needs_merchant_confirmation,
        due_on=i.due_on,
        done_at=i.done_at,
        done_by=str(i.done_by) if i.done_by else None,
        late_days=i.late_days,
        penalty_per_day=i.penalty_per_day,
    )


@router.get("/{engagement_id}/checklists", response=list[ChecklistItemOut])
def list_checklists(request: HttpRequest, engagement_id: int) -> list[ChecklistItemOut]:
    engagement = get_engagement_for(current_person(request), engagement_id)
    return [_item_out(i) for i in engagement.checklist.select_related("done_by")]


class NoteIn(Schema):
    note: str = ""


@router.post("/checklist-items/{item_id}/done", response=ChecklistItemOut)
def tick_item(request: HttpRequest, item_id: int, payload: NoteIn) -> ChecklistItemOut:
    person = current_person(request)
    item = get_object_or_404(
        ChecklistItem.objects.filter(engagement_id__in=visible_engagement_ids(person)), pk=item_id
    )
    return _item_out(services.complete_checklist_item(item, person, payload.note))


class AccessOut(Schema):
    id: int
    system: str
    account: str
    permissions: str
    granted_at: dt.datetime
    revoke_by: dt.date | None
    revoked_at: dt.datetime | None
    late_days: int


class AccessIn(Schema):
    system: str
    account: str
    permissions: str = ""


def _access_out(g: AccessGrant) -> AccessOut:
    return AccessOut(
        id=g.pk,
        system=g.system,
        account=g.account,
        permissions=g.permissions,
        granted_at=g.granted_at,
        revoke_by=g.revoke_by,
        revoked_at=g.revoked_at,
        late_days=services.late_revocation_days(g, dt.date.today()),
    )


@router.get("/{engagement_id}/access", response=list[AccessOut])
def list_access(request: HttpRequest, engagement_id: int) -> list[AccessOut]:
    engagement = get_engagement_for(current_person(request), engagement_id)
    return [_access_out(g) for g in engagement.access_grants.all()]


@router.post("/{engagement_id}/access", response={201: AccessOut})
def grant(request: HttpRequest, engagement_id: int, payload: AccessIn) -> Status[AccessOut]:
    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    created = services.grant_access(
        engagement, person, system=payload.system, account=payload.account, permissions=payload.permissions
    )
    return Status(201, _access_out(created))


@router.post("/access/{grant_id}/revoke", response=AccessOut)
def revoke(request: HttpRequest, grant_id: int) -> AccessOut:
    person = current_person(request)
    found = get_object_or_404(
        AccessGrant.objects.filter(engagement_id__in=visible_engagement_ids(person)), pk=grant_id
    )
    return _access_out(services.revoke_access(found, person))


# Requests and response SLAs


class ClockOut(Schema):
    due_at: dt.datetime | None
    used_seconds: int
    target_seconds: int
    paused: bool
    breached: bool


class RequestOut(Schema):
    id: int
    tier: str
    title: str
    body: str
    state: str
    raised_party: str
    raised_at: dt.datetime
    responder_role: str
    answered_at: dt.datetime | None
    answer: str
    resolved_at: dt.datetime | None
    response_clock: ClockOut | None
    resolve_clock: ClockOut | None
    breaches: int


def _clock_out(state: Any) -> ClockOut | None:
    if state is None:
        return None
    return ClockOut(
        due_at=state.due_at,
        used_seconds=state.used_seconds,
        target_seconds=state.target_seconds,
        paused=state.paused,
        breached=state.breached,
    )


def _request_out(r: SupportRequest, now: dt.datetime, calendar: Any) -> RequestOut:
    clocks = requests.current_clocks(r, now, calendar)
    return RequestOut(
        id=r.pk,
        tier=r.tier,
        title=r.title,
        body=r.body,
        state=r.state,
        raised_party=r.raised_party,
        raised_at=r.raised_at,
        responder_role=r.responder_role,
        answered_at=r.answered_at,
        answer=r.answer,
        resolved_at=r.resolved_at,
        response_clock=_clock_out(clocks.response),
        resolve_clock=_clock_out(clocks.resolve),
        breaches=r.breaches.count(),
    )


class RequestIn(Schema):
    tier: str
    title: str
    body: str = ""


@router.get("/{engagement_id}/requests", response=list[RequestOut])
def list_requests(request: HttpRequest, engagement_id: int) -> list[RequestOut]:
    from django.utils import timezone

    engagement = get_engagement_for(current_person(request), engagement_id)
    now, calendar = timezone.now(), current_calendar()
    return [_request_out(r, now, calendar) for r in engagement.requests.select_related("engagement")]


@router.post("/{engagement_id}/requests", response={201: RequestOut})
def raise_request(request: HttpRequest, engagement_id: int, payload: RequestIn) -> Status[RequestOut]:
    from django.utils import timezone

    person = current_person(request)
    engagement = get_engagement_for(person, engagement_id)
    raised = requests.raise_request(engagement, person, payload.tier, payload.title, payload.body)
    return Status(201, _request_out(raised, timezone.now(), current_calendar()))


class RequestActionIn(Schema):
    text: str = ""


def _request_for(request: HttpRequest, request_id: int) -> SupportRequest:
    person = current_person(request)
    return get_object_or_404(
        SupportRequest.objects.filter(engagement_id__in=visible_engagement_ids(person)), pk=request_id
    )


@router.post("/requests/{request_id}/{action}", response=RequestOut)
def act_on_request(
    request: HttpRequest, request_id: int, action: str, payload: RequestActionIn
) -> RequestOut:
    from django.utils import timezone

    person = current_person(request)
    found = _request_for(request, request_id)
    if action == "answer":
        found = requests.answer_request(found, person, payload.text)
    elif action == "pause":
        found = requests.pause_request(found, person, payload.text)
    elif action == "resume":
        found = requests.resume_request(found, person)
    elif action == "resolve":
        found = requests.resolve_request(found, person)
    else:
        raise Http404("action")
    return _request_out(found, timezone.now(), current_calendar())


class AttainmentOut(Schema):
    party: str
    tier: str
    clocks: int
    met: int
    rate: float | None


@router.get("/{engagement_id}/sla", response=list[AttainmentOut])
def sla_report(request: HttpRequest, engagement_id: int) -> list[AttainmentOut]:
    engagement = get_engagement_for(current_person(request), engagement_id)
    return [
        AttainmentOut(party=a.party, tier=a.tier, clocks=a.clocks, met=a.met, rate=a.rate)
        for a in requests.sla_attainment(engagement.requests.all())
    ]


# Agency selection (the merchant's own)


class CandidateOut(Schema):
    id: int
    name: str
    agency_id: int | None
    place: int
    papers: Decimal | None
    interview: Decimal | None
    trial: Decimal | None
    total: Decimal
    eliminated: bool


class SelectionOut(Schema):
    id: int
    title: str
    weights: dict[str, Decimal]
    candidates: list[CandidateOut]
    engagement_id: int | None


class SelectionIn(Schema):
    merchant_id: int
    title: str


class CandidateIn(Schema):
    name: str
    agency_id: int | None = None


class ScoresIn(Schema):
    papers: dict[str, bool] | None = None
    interview: dict[str, int] | None = None
    interview_notes: dict[str, str] | None = None
    trial_baseline: Decimal | None = None
    trial_actual: Decimal | None = None


class ChooseIn(Schema):
    candidate_id: int
    shop_ids: list[int]
    starts_on: dt.date
    ends_on: dt.date


def _selection_out(selection: Any) -> SelectionOut:
    return SelectionOut(
        id=selection.pk,
        title=selection.title,
        weights={
            "papers": selection.weight_papers,
            "interview": selection.weight_interview,
            "trial": selection.weight_trial,
        },
        candidates=[
            CandidateOut(
                id=c.pk,
                name=c.name,
                agency_id=c.agency_id,
                place=place,
                papers=s.papers,
                interview=s.interview,
                trial=s.trial,
                total=total,
                eliminated=s.eliminated,
            )
            for place, c, s, total in choosing.ranking(selection)
        ],
        engagement_id=selection.engagement_id,
    )


selection_router = Router(tags=["agency selection"])


@selection_router.get("/", response=list[SelectionOut])
def list_selections(request: HttpRequest) -> list[SelectionOut]:
    return [_selection_out(s) for s in choosing.selections_for(current_person(request))]


@selection_router.post("/", response={201: SelectionOut})
def new_selection(request: HttpRequest, payload: SelectionIn) -> Status[SelectionOut]:
    selection = choosing.start_selection(current_person(request), payload.merchant_id, payload.title)
    return Status(201, _selection_out(selection))


@selection_router.get("/{selection_id}", response=SelectionOut)
def get_selection(request: HttpRequest, selection_id: int) -> SelectionOut:
    return _selection_out(choosing.get_selection_for(current_person(request), selection_id))


@selection_router.post("/{selection_id}/candidates", response={201: SelectionOut})
def new_candidate(request: HttpRequest, selection_id: int, payload: CandidateIn) -> Status[SelectionOut]:
    person = current_person(request)
    selection = choosing.get_selection_for(person, selection_id)
    choosing.add_candidate(selection, person, payload.name, payload.agency_id)
    return Status(201, _selection_out(selection))


@selection_router.post("/{selection_id}/candidates/{candidate_id}/scores", response=SelectionOut)
def set_scores(request: HttpRequest, selection_id: int, candidate_id: int, payload: ScoresIn) -> SelectionOut:
    person = current_person(request)
    selection = choosing.get_selection_for(person, selection_id)
    candidate = get_object_or_404(selection.candidates, pk=candidate_id)
    choosing.score_candidate(candidate, person, **payload.model_dump(exclude_none=True))
    return _selection_out(selection)


@selection_router.post("/{selection_id}/choose", response={201: EngagementOut})
def choose(request: HttpRequest, selection_id: int, payload: ChooseIn) -> Status[EngagementOut]:
    person = current_person(request)
    selection = choosing.get_selection_for(person, selection_id)
    candidate = get_object_or_404(selection.candidates, pk=payload.candidate_id)
    shops = list(Shop.objects.visible_to(person).filter(pk__in=payload.shop_ids))
    if len(shops) != len(set(payload.shop_ids)):
        raise Http404("shop")
    engagement = choosing.choose_candidate(
        selection, candidate, person, shops=shops, starts_on=payload.starts_on, ends_on=payload.ends_on
    )
    return Status(201, _engagement_out(engagement))
