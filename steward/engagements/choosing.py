"""The merchant's agency selection as workflow steps: candidates, three rounds, the choice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from steward.accounts.models import MERCHANT_ROLES, Membership, Person, Role
from steward.audit.services import record, record_create, snapshot
from steward.engagements.models import AgencySelection, Candidate, Engagement
from steward.engagements.selection import (
    CandidateScores,
    SelectionError,
    TrialResult,
    TrialTerms,
    Weights,
    interview_score,
    papers_score,
    rank,
    trial_score,
)
from steward.engagements.services import NewEngagement, create_engagement
from steward.shops.models import Shop


def selections_for(person: Person) -> QuerySet[AgencySelection]:
    """Only the merchant's own people see its agency selections."""
    merchants = Membership.objects.filter(person=person, role__in=MERCHANT_ROLES).values("organisation_id")
    return AgencySelection.objects.filter(merchant_id__in=merchants)


def get_selection_for(person: Person, pk: int) -> AgencySelection:
    try:
        return selections_for(person).get(pk=pk)
    except AgencySelection.DoesNotExist as exc:
        raise Http404("selection") from exc


def _is_owner(person: Person, selection: AgencySelection) -> bool:
    return Membership.objects.filter(
        person=person, organisation_id=selection.merchant_id, role=Role.MERCHANT_OWNER
    ).exists()


def weights_of(selection: AgencySelection) -> Weights:
    return Weights(selection.weight_papers, selection.weight_interview, selection.weight_trial)


def scores_of(selection: AgencySelection, candidate: Candidate) -> CandidateScores:
    papers, stays = papers_score(candidate.papers) if candidate.papers else (None, True)
    interview = interview_score(candidate.interview) if candidate.interview else None
    trial = None
    if candidate.trial_baseline is not None and candidate.trial_actual is not None:
        trial, _ = trial_score(
            terms_of(selection), TrialResult(candidate.trial_baseline, candidate.trial_actual)
        )
    return CandidateScores(candidate.name, papers, interview, trial, eliminated=not stays)


def terms_of(selection: AgencySelection) -> TrialTerms:
    return TrialTerms(selection.trial_fee_share, selection.trial_target_growth, selection.trial_refund_share)


def ranking(selection: AgencySelection) -> list[tuple[int, Candidate, CandidateScores, Decimal]]:
    candidates = {c.name: c for c in selection.candidates.all()}
    scored = [scores_of(selection, c) for c in candidates.values()]
    return [(place, candidates[s.name], s, total) for place, s, total in rank(scored, weights_of(selection))]


def start_selection(
    person: Person, merchant_id: int, title: str, weights: Weights | None = None
) -> AgencySelection:
    if not Membership.objects.filter(
        person=person, organisation_id=merchant_id, role__in=MERCHANT_ROLES
    ).exists():
        raise PermissionDenied("only the merchant's people compare agencies")
    weights = weights or Weights()
    with transaction.atomic():
        selection = AgencySelection.objects.create(
            merchant_id=merchant_id,
            title=title.strip() or "托管方筛选",
            weight_papers=weights.papers,
            weight_interview=weights.interview,
            weight_trial=weights.trial,
            created_by=person,
        )
        record_create(selection, person)
    return selection


def add_candidate(
    selection: AgencySelection, person: Person, name: str, agency_id: int | None = None
) -> Candidate:
    if not name.strip():
        raise ValidationError({"name": "name the agency"})
    with transaction.atomic():
        candidate = Candidate.objects.create(selection=selection, name=name.strip(), agency_id=agency_id)
        record_create(candidate, person)
    return candidate


def score_candidate(
    candidate: Candidate,
    person: Person,
    *,
    papers: dict[str, bool] | None = None,
    interview: dict[str, int] | None = None,
    interview_notes: dict[str, str] | None = None,
    trial_baseline: Decimal | None = None,
    trial_actual: Decimal | None = None,
) -> Candidate:
    """Record a round's answers; every score is checked before anything is saved."""
    try:
        if papers is not None:
            papers_score(papers)
        if interview is not None:
            interview_score(interview)
        if trial_baseline is not None and trial_actual is not None:
            trial_score(terms_of(candidate.selection), TrialResult(trial_baseline, trial_actual))
    except SelectionError as exc:
        raise ValidationError({candidate.name: str(exc)}) from exc
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        before = snapshot(candidate)
        if papers is not None:
            candidate.papers = papers
        if interview is not None:
            candidate.interview = interview
        if interview_notes is not None:
            candidate.interview_notes = interview_notes
        if trial_baseline is not None:
            candidate.trial_baseline = trial_baseline
        if trial_actual is not None:
            candidate.trial_actual = trial_actual
        candidate.save()
        record("candidate_scored", actor=person, target=candidate, before=before, after=snapshot(candidate))
    return candidate


def choose_candidate(
    selection: AgencySelection,
    candidate: Candidate,
    person: Person,
    *,
    shops: list[Shop],
    starts_on: dt.date,
    ends_on: dt.date,
) -> Engagement:
    """The owner picks a candidate; it becomes an engagement generated from the agency's template."""
    if not _is_owner(person, selection):
        raise PermissionDenied("the merchant's owner makes the choice")
    if candidate.selection_id != selection.pk:
        raise Http404("candidate")
    if candidate.agency is None:
        raise ValidationError(
            {"agency": f"{candidate.name} has no account in Store Steward yet; invite it first"}
        )
    if scores_of(selection, candidate).eliminated:
        raise ValidationError({"candidate": f"{candidate.name} failed the paper checks"})
    engagement = create_engagement(
        NewEngagement(
            name=f"{selection.merchant.name} × {candidate.agency.name}",
            merchant=selection.merchant,
            agency=candidate.agency,
            shops=shops,
            starts_on=starts_on,
            ends_on=ends_on,
        ),
        person,
    )
    with transaction.atomic():
        AgencySelection.objects.filter(pk=selection.pk).update(chosen=candidate, engagement=engagement)
        record(
            "agency_chosen",
            actor=person,
            target=selection,
            engagement_id=engagement.pk,
            after={"candidate": candidate.name, "engagement": engagement.pk},
        )
    return engagement
