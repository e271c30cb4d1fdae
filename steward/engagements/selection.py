"""Choosing an agency: three rounds (papers, interview, a paid trial month), weighted scores.

Pure: answers in, scores and a ranking out. Scores are Decimal on a 0-100 scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HUNDRED = Decimal(100)
POINT = Decimal("0.1")

PAPER_CHECKS: tuple[tuple[str, str, str], ...] = (
    ("licence_scope", "营业执照经营范围包含电子商务运营", "Business licence covers e-commerce operations"),
    ("platform_certified", "具备淘宝/天猫、京东等平台服务商认证", "Certified service provider of the platform"),
    ("case_data_verified", "案例数据来自近 6 个月真实后台（现场查看，非截图）", "Case figures seen live in a real back office, last 6 months"),
)  # fmt: skip

INTERVIEW_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("hero_testing", "打造爆款用什么方法测款？直通车还是短视频，预算和周期各多少？",
     "How do you test products for a hero item: paid search or short video, with what budget and how long?"),
    ("bad_review_burst", "差评集中出现时怎么处理？几小时内响应、谁负责？",
     "What do you do in a burst of bad reviews: how many hours to respond, and who owns it?"),
    ("stock_shortage", "库存不足时推广节奏怎么调整？",
     "When stock runs short, how do you change the promotion pace?"),
    ("reporting", "周报里有哪些数据和具体操作记录？数据口径以哪里为准？",
     "What figures and which concrete actions does your weekly report show, and whose figures count?"),
    ("team", "谁负责我们的店铺？运营、推广、客服、美工各几人？",
     "Who runs our shop: how many people in operations, ads, service and design?"),
)  # fmt: skip

MAX_ANSWER_SCORE = 5


class SelectionError(ValueError):
    """Scores that cannot be used; the message names the candidate and the field."""


@dataclass(frozen=True)
class TrialTerms:
    fee_share: Decimal  # share of the normal fee paid during the trial, e.g. 0.8
    target_growth: Decimal  # e.g. 0.20: +20% over the baseline
    refund_share: Decimal  # share of the trial fee refunded when the target is missed


@dataclass(frozen=True)
class TrialResult:
    baseline: Decimal
    actual: Decimal

    @property
    def growth(self) -> Decimal | None:
        if self.baseline <= 0:
            return None
        return (self.actual - self.baseline) / self.baseline


def _round(value: Decimal) -> Decimal:
    return value.quantize(POINT, ROUND_HALF_UP)


def papers_score(checks: Mapping[str, bool]) -> tuple[Decimal, bool]:
    """Share of the paper checks passed, and whether the candidate stays in (all must pass)."""
    unknown = set(checks) - {code for code, _, _ in PAPER_CHECKS}
    if unknown:
        raise SelectionError(f"papers: unknown check {sorted(unknown)[0]!r}")
    passed = sum(1 for code, _, _ in PAPER_CHECKS if checks.get(code) is True)
    return _round(HUNDRED * passed / len(PAPER_CHECKS)), passed == len(PAPER_CHECKS)


def interview_score(answers: Mapping[str, int]) -> Decimal:
    """Each answer scored 0 (vague: "we have a mature process") to 5 (concrete method and numbers)."""
    for code, score in answers.items():
        if code not in {c for c, _, _ in INTERVIEW_QUESTIONS}:
            raise SelectionError(f"interview: unknown question {code!r}")
        if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= MAX_ANSWER_SCORE:
            raise SelectionError(f"interview: the score of {code!r} must be a whole number from 0 to 5")
    total = sum(answers.get(code, 0) for code, _, _ in INTERVIEW_QUESTIONS)
    return _round(HUNDRED * total / (MAX_ANSWER_SCORE * len(INTERVIEW_QUESTIONS)))


def trial_score(terms: TrialTerms, result: TrialResult) -> tuple[Decimal, bool]:
    """Achievement of the trial target (capped at 100), and whether the target was met."""
    growth = result.growth
    if growth is None or terms.target_growth <= 0:
        raise SelectionError("trial: the baseline and the target growth must be above zero")
    met = growth >= terms.target_growth
    achieved = max(Decimal(0), min(HUNDRED, HUNDRED * growth / terms.target_growth))
    return _round(achieved), met


@dataclass(frozen=True)
class Weights:
    papers: Decimal = Decimal("0.2")
    interview: Decimal = Decimal("0.3")
    trial: Decimal = Decimal("0.5")

    def __post_init__(self) -> None:
        parts = (self.papers, self.interview, self.trial)
        if any(w < 0 for w in parts) or sum(parts) != 1:
            raise SelectionError("weights: the three weights must be non-negative and add up to 1")


@dataclass(frozen=True)
class CandidateScores:
    name: str
    papers: Decimal | None
    interview: Decimal | None
    trial: Decimal | None
    eliminated: bool

    def total(self, weights: Weights) -> Decimal:
        """Weighted score over the rounds taken so far (renormalised), so early rankings compare."""
        taken = [(w, s) for w, s in ((weights.papers, self.papers), (weights.interview, self.interview), (weights.trial, self.trial)) if s is not None]  # fmt: skip
        weight = sum((w for w, _ in taken), Decimal(0))
        if not taken or weight == 0:
            return Decimal(0)
        return _round(sum((w * s for w, s in taken), Decimal(0)) / weight)


def rank(
    candidates: Sequence[CandidateScores], weights: Weights
) -> list[tuple[int, CandidateScores, Decimal]]:
    """Candidates still in, best first (ties by name), then the eliminated ones unranked (0)."""
    standing = sorted((c for c in candidates if not c.eliminated), key=lambda c: (-c.total(weights), c.name))
    ranked = [(i + 1, c, c.total(weights)) for i, c in enumerate(standing)]
    ranked += [(0, c, c.total(weights)) for c in candidates if c.eliminated]
    return ranked


def parse_decimal(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except Exception as exc:
        raise SelectionError(f"{field}: {value!r} is not a number") from exc
