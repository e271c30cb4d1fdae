"""The head of every engagement page: who the parties are, the shops, the period, the phase
stepper and the tabs with what waits in each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from steward.accounts.models import Person
from steward.approvals.models import OPEN_STATES
from steward.duties.models import Party
from steward.duties.services import BoardFilter, board, party_of
from steward.engagements.models import Engagement, Phase, RequestState, VersionStatus
from steward.engagements.services import PHASE_ORDER


@dataclass(frozen=True)
class Step:
    phase: Phase
    state: str  # done | current | todo


def stepper(engagement: Engagement) -> tuple[list[Step], Phase | None]:
    """The seven phases in order, and the one after the current phase (None when closed)."""
    current = PHASE_ORDER.index(Phase(engagement.phase))
    steps = [
        Step(phase, "done" if i < current else "current" if i == current else "todo")
        for i, phase in enumerate(PHASE_ORDER)
    ]
    following = PHASE_ORDER[current + 1] if current + 1 < len(PHASE_ORDER) else None
    return steps, following


def shell(person: Person, engagement: Engagement, tab: str) -> dict[str, Any]:
    steps, following = stepper(engagement)
    current = PHASE_ORDER.index(Phase(engagement.phase))
    # Termination may be started from any earlier phase, as well as reached in order.
    may_terminate_early = current < PHASE_ORDER.index(Phase.TERMINATION) - 1
    side = party_of(person, engagement)
    return {
        "section": "engagements",
        "tab": tab,
        "engagement": engagement,
        "side": side,
        # The phase service lets the agency move forward (either side may start termination);
        # the merchant sees where the engagement goes next instead of a button that refuses.
        "may_advance": side == Party.AGENCY or following == Phase.TERMINATION,
        "shops": list(engagement.shops.order_by("name")),
        "steps": steps,
        "next_phase": following,
        "termination_phase": Phase.TERMINATION if may_terminate_early else None,
        "counts": {
            "overdue": board(person, engagement=engagement, which=BoardFilter.OVERDUE).count(),
            "awaiting": engagement.deliverables.filter(versions__status=VersionStatus.AWAITING).count(),
            "requests": engagement.requests.exclude(state=RequestState.RESOLVED).count(),
            "approvals": engagement.approval_requests.filter(state__in=OPEN_STATES).count(),
        },
    }
