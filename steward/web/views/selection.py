"""筛选托管方: a merchant compares candidate agencies over three rounds and picks one.

Only the merchant's own people see a selection; for anyone else every page is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from steward.accounts.access import roles_in
from steward.accounts.api_auth import current_person
from steward.accounts.models import MERCHANT_ROLES, Organisation, Person, Role
from steward.duties.models import Metric
from steward.engagements import choosing
from steward.engagements.models import AgencySelection, Candidate
from steward.engagements.selection import INTERVIEW_QUESTIONS, PAPER_CHECKS, CandidateScores
from steward.shops.models import Shop
from steward.web.forms import CandidateForm, ChooseForm, InterviewForm, PapersForm, SelectionForm, TrialForm
from steward.web.views.steps import attempt
from steward.web.views.wording import reads_english


def _merchants(person: Person) -> QuerySet[Organisation]:
    """The merchants this person works for; agency people have none and get 404 everywhere here."""
    merchants = Organisation.objects.filter(
        memberships__person=person, memberships__role__in=MERCHANT_ROLES
    ).distinct()
    if not merchants.exists():
        raise Http404("selection")
    return merchants


@require_http_methods(["GET", "POST"])
@login_required
def selection_list(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    merchants = _merchants(person)
    form = SelectionForm(request.POST or None, merchants=merchants)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = attempt(
                lambda: choosing.start_selection(
                    person, form.cleaned_data["merchant"].pk, form.cleaned_data["title"]
                ),
                form,
            )
            if done.ok and done.value is not None:
                messages.success(request, _("已新建筛选，请添加候选托管公司。"))
                return redirect("web:selection_detail", selection_id=done.value.pk)
            status = done.status
        else:
            status = 400
    selections = (
        choosing.selections_for(person)
        .select_related("merchant", "chosen", "engagement")
        .annotate(candidate_count=Count("candidates"))
    )
    return render(
        request,
        "web/selection_list.html",
        {"section": "selections", "selections": selections, "form": form},
        status=status,
    )


@dataclass(frozen=True)
class Standing:
    place: int  # 0 when eliminated in round 1
    candidate: Candidate
    scores: CandidateScores
    total: Decimal


@dataclass(frozen=True)
class CompareRow:
    """One paper check or interview question across every candidate."""

    label: str
    cells: list[Any]


def _comparison(standings: list[Standing]) -> tuple[list[CompareRow], list[CompareRow]]:
    en = reads_english()
    papers = [
        CompareRow(en_text if en else zh, [s.candidate.papers.get(code) for s in standings])
        for code, zh, en_text in PAPER_CHECKS
    ]
    interview = [
        CompareRow(en_text if en else zh, [s.candidate.interview.get(code) for s in standings])
        for code, zh, en_text in INTERVIEW_QUESTIONS
    ]
    return papers, interview


def _selection_page(
    request: HttpRequest,
    person: Person,
    selection: AgencySelection,
    *,
    candidate_form: CandidateForm | None = None,
    choose_form: ChooseForm | None = None,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    standings = [Standing(*row) for row in choosing.ranking(selection)]
    papers, interview = _comparison(standings)
    may_choose = (
        Role.MERCHANT_OWNER in roles_in(person, selection.merchant_id) and selection.engagement_id is None
    )
    context = {
        "section": "selections",
        "selection": selection,
        "standings": standings,
        "papers": papers,
        "interview": interview,
        "weights": choosing.weights_of(selection),
        "terms": choosing.terms_of(selection),
        "trial_metric": Metric(selection.trial_metric).label
        if selection.trial_metric in Metric.values
        else selection.trial_metric,
        "candidate_form": candidate_form or CandidateForm(),
        "choose_form": (choose_form or _choose_form(selection, None)) if may_choose else None,
        "refused": refused,
    }
    return render(request, "web/selection_detail.html", context, status=status)


def _choose_form(selection: AgencySelection, data: Any) -> ChooseForm:
    return ChooseForm(
        data,
        candidates=selection.candidates.filter(agency__isnull=False),
        shops=Shop.objects.filter(merchant_id=selection.merchant_id).order_by("name"),
    )


def _selection_for(request: HttpRequest, selection_id: int) -> tuple[Person, AgencySelection]:
    person = current_person(request)
    # Only the merchant's own people find a selection; anyone else gets the same 404.
    return person, choosing.get_selection_for(person, selection_id)


@require_http_methods(["GET"])
@login_required
def selection_detail(request: HttpRequest, selection_id: int) -> HttpResponse:
    person, selection = _selection_for(request, selection_id)
    return _selection_page(request, person, selection)


@require_POST
@login_required
def candidate_add(request: HttpRequest, selection_id: int) -> HttpResponse:
    person, selection = _selection_for(request, selection_id)
    form = CandidateForm(request.POST)
    if not form.is_valid():
        return _selection_page(request, person, selection, candidate_form=form, status=400)
    agency = form.cleaned_data["agency"]
    done = attempt(
        lambda: choosing.add_candidate(
            selection, person, form.cleaned_data["name"], agency.pk if agency else None
        ),
        form,
    )
    if not done.ok or done.value is None:
        return _selection_page(
            request, person, selection, candidate_form=form, refused=done.refused, status=done.status
        )
    messages.success(request, _("已添加候选：%(name)s") % {"name": done.value.name})
    return redirect("web:candidate_detail", selection_id=selection.pk, candidate_id=done.value.pk)


@require_POST
@login_required
def selection_choose(request: HttpRequest, selection_id: int) -> HttpResponse:
    person, selection = _selection_for(request, selection_id)
    form = _choose_form(selection, request.POST)
    if not form.is_valid():
        return _selection_page(request, person, selection, choose_form=form, status=400)
    data = form.cleaned_data
    done = attempt(
        lambda: choosing.choose_candidate(
            selection,
            data["candidate"],
            person,
            shops=list(data["shops"]),
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        ),
        form,
    )
    if not done.ok or done.value is None:
        return _selection_page(
            request, person, selection, choose_form=form, refused=done.refused, status=done.status
        )
    messages.success(
        request,
        _("已选定 %(name)s，托管合作已建立，各阶段事项和交付物已按模板生成。")
        % {"name": data["candidate"].name},
    )
    return redirect("web:engagement_detail", engagement_id=done.value.pk)


# One candidate's three rounds

ROUNDS = ("papers", "interview", "trial")


def _round_forms(candidate: Candidate, bound: dict[str, Any]) -> dict[str, Any]:
    papers = bound.get("papers") or PapersForm(initial=candidate.papers)
    initial_interview: dict[str, Any] = {f"score_{c}": v for c, v in candidate.interview.items()}
    initial_interview.update({f"note_{c}": v for c, v in candidate.interview_notes.items()})
    interview = bound.get("interview") or InterviewForm(initial=initial_interview)
    trial = bound.get("trial") or TrialForm(
        initial={"trial_baseline": candidate.trial_baseline, "trial_actual": candidate.trial_actual}
    )
    return {"papers_form": papers, "interview_form": interview, "trial_form": trial}


def _candidate_page(
    request: HttpRequest,
    selection: AgencySelection,
    candidate: Candidate,
    *,
    bound: dict[str, Any] | None = None,
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    scores = choosing.scores_of(selection, candidate)
    context = {
        "section": "selections",
        "selection": selection,
        "candidate": candidate,
        "scores": scores,
        "total": scores.total(choosing.weights_of(selection)),
        "terms": choosing.terms_of(selection),
        "trial_metric": Metric(selection.trial_metric).label
        if selection.trial_metric in Metric.values
        else selection.trial_metric,
        "refused": refused,
        **_round_forms(candidate, bound or {}),
    }
    return render(request, "web/candidate_detail.html", context, status=status)


@require_http_methods(["GET"])
@login_required
def candidate_detail(request: HttpRequest, selection_id: int, candidate_id: int) -> HttpResponse:
    _person, selection = _selection_for(request, selection_id)
    candidate = get_object_or_404(selection.candidates, pk=candidate_id)
    return _candidate_page(request, selection, candidate)


@require_POST
@login_required
def candidate_round(
    request: HttpRequest, selection_id: int, candidate_id: int, round_name: str
) -> HttpResponse:
    person, selection = _selection_for(request, selection_id)
    candidate = get_object_or_404(selection.candidates.select_related("selection"), pk=candidate_id)
    if round_name not in ROUNDS:
        raise Http404("round")
    form: PapersForm | InterviewForm | TrialForm
    if round_name == "papers":
        form = PapersForm(request.POST)
    elif round_name == "interview":
        form = InterviewForm(request.POST)
    else:
        form = TrialForm(request.POST)
    if not form.is_valid():
        return _candidate_page(request, selection, candidate, bound={round_name: form}, status=400)

    def step() -> Candidate:
        if isinstance(form, PapersForm):
            return choosing.score_candidate(candidate, person, papers=form.answers())
        if isinstance(form, InterviewForm):
            return choosing.score_candidate(
                candidate, person, interview=form.scores(), interview_notes=form.notes()
            )
        return choosing.score_candidate(
            candidate,
            person,
            trial_baseline=form.cleaned_data["trial_baseline"],
            trial_actual=form.cleaned_data["trial_actual"],
        )

    done = attempt(step, form)
    if not done.ok:
        return _candidate_page(
            request, selection, candidate, bound={round_name: form}, refused=done.refused, status=done.status
        )
    messages.success(request, _("已保存 %(name)s 的评分。") % {"name": candidate.name})
    return redirect("web:candidate_detail", selection_id=selection.pk, candidate_id=candidate.pk)
