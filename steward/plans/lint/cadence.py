"""Rates of resources — "每月上新2款", "5 new products a week", "每天投放500元" — on one time unit.

The overcommitment check compares what tasks need with what the merchant committed, so both are
brought to *per week*. Conventions: a month is 52.143 / 12 = 4.345 weeks, a day is 1/7 of a week
(calendar days: ad budgets are spent on weekends too), a fortnight is half a rate per week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from steward.plans.lint import vocabulary as words
from steward.plans.structure import Period, ResourceKind

WEEKS_PER_MONTH = 52.143 / 12  # 4.345
DAYS_PER_WEEK = 7.0

_I = re.IGNORECASE
_ZH_NUMERAL = "一二两三四五六七八九十"

# Resources a merchant supplies and a plan can run short of. Images the agency designs itself
# (主图 tests) are its own work, not the merchant's resource, and are left out on purpose.
_KINDS: tuple[tuple[ResourceKind, re.Pattern[str]], ...] = (
    (
        ResourceKind.NEW_PRODUCTS,
        re.compile(
            r"上新|新品|新款|上架新|新商品|新SKU"
            r"|\bnew (?:products?|items?|SKUs?|listings?|styles?|designs?)\b|\bproduct launch(?:es)?\b",
            _I,
        ),
    ),
    (
        ResourceKind.PRODUCT_PHOTOS,
        re.compile(
            r"白底图|实拍图|产品图|商品图|素材图|拍摄图|原图|样图"
            r"|\bproduct (?:photos?|images?|shots?|pictures?)\b|\bwhite[- ]background (?:photos?|images?)\b|\braw (?:photos?|images?)\b",
            _I,
        ),
    ),
)
_BUDGET_WORDS = re.compile(r"预算|推广费|广告费|\bbudget\b", _I)
_SPEND_WORDS = re.compile(
    r"花费|投放|消耗|日限|限额|出价|烧|直通车|万相台|引力魔方|千川|\bspend\w*\b|\bbid\w*\b|\bcap\b|\bads?\b|\bcampaign\w*\b",
    _I,
)
_COMMIT_WORDS = re.compile(
    r"商家|承诺|提供|供货|交付|能上|可上|可提供|能提供"
    r"|\bmerchant\b|\bcommit\w*\b|\bprovides?\b|\bsuppl(?:y|ies)\b|\bdelivers?\b|\bcan (?:supply|provide|deliver)\b",
    _I,
)

_PERIODS: tuple[tuple[float, re.Pattern[str]], ...] = (
    (
        0.5,
        re.compile(
            r"每\s*(?:两|2)\s*周|双周|隔周|\b(?:every (?:other|two) weeks?|fortnightly|biweekly|a fortnight|per fortnight)\b",
            _I,
        ),
    ),
    (
        1.0,
        re.compile(
            r"每\s*(?:个)?\s*(?:周|星期|礼拜)|周(?:均|预算)"
            r"|\b(?:a|per|each|every) week\b|\bweekly\b|/\s*(?:week|wk)\b"
            r"|\b(?:every|each) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
            _I,
        ),
    ),
    (
        1.0 / WEEKS_PER_MONTH,
        re.compile(
            r"每\s*(?:个)?\s*月|月均|月度|月预算|\b(?:a|per|each|every) month\b|\bmonthly\b|/\s*(?:month|mo)\b",
            _I,
        ),
    ),
    (
        DAYS_PER_WEEK,
        re.compile(
            r"每\s*(?:天|日)|日均|日限|日预算|\b(?:a|per|each|every) day\b|\bdaily\b|/\s*(?:day|d)\b", _I
        ),
    ),
)
_PERIOD_RATE = {Period.DAY: DAYS_PER_WEEK, Period.WEEK: 1.0, Period.MONTH: 1.0 / WEEKS_PER_MONTH}

# A day of the week or of the month says *when*, not *how many*: "每周一提供3款" is 3, not 1.
_NOT_A_COUNT = re.compile(
    r"(?:周|星期|礼拜)[一二三四五六日天]|每\s*月\s*\d{1,2}\s*[日号]|\d{1,2}\s*月\s*\d{1,2}\s*[日号]"
    r"|\d{1,2}\s*:\s*\d{2}|第\s*\d+\s*(?:周|个月|天)|\b\d{1,2}(?:st|nd|rd|th)\b|\b(?:week|month) \d+\b",
    _I,
)
_COUNT_ZH = re.compile(rf"(\d+(?:\.\d+)?|[{_ZH_NUMERAL}]+)\s*(?:款|个|张|组|套|件|支|条|SKU)", _I)
_COUNT_EN = re.compile(
    r"\b(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)\b", _I
)
_EN_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}
# "|" and "·" join table cells and structured fields: each is a clause of its own.
_CLAUSE = re.compile(r"[。;!?|·]|,(?!\d{3})|\.(?=\s)")
_OPEN_NOTE = re.compile(r"[（(][^）)]*$")


@dataclass(frozen=True)
class Rate:
    """An amount of one resource per period, also expressed per week."""

    kind: ResourceKind
    amount: float
    per_week: float
    phrase: str  # the clause it was read from, as written

    @property
    def per_month(self) -> float:
        return self.per_week * WEEKS_PER_MONTH


def rate_of(kind: ResourceKind, amount: float, per: Period, phrase: str) -> Rate:
    return Rate(kind, amount, amount * _PERIOD_RATE[per], phrase)


def clauses(text: str, folded: str) -> list[tuple[str, str]]:
    """A sentence cut at clause punctuation, as (written, folded) pairs."""
    pieces: list[tuple[str, str]] = []
    start = 0
    for m in _CLAUSE.finditer(folded):
        pieces.append((text[start : m.start()], folded[start : m.start()]))
        start = m.end()
    pieces.append((text[start:], folded[start:]))
    # A clause cut inside a note ("每周上新5款（负责人：运营专员") is quoted without the note.
    return [(_OPEN_NOTE.sub("", written).strip(), f.strip()) for written, f in pieces if f.strip()]


def rates_in(text: str, folded: str) -> list[tuple[Rate, bool]]:
    """Every resource rate in a sentence, each with whether it reads as a commitment.

    A rate reads as a commitment when the merchant supplies it ("商家每月提供2款新品") or when
    it is a budget; a rate of spending or of launching that nobody supplies is what a task needs.
    """
    found: list[tuple[Rate, bool]] = []
    for written, clause in clauses(text, folded):
        per_week = _per_week(clause)
        if per_week is None:
            continue
        committed = _COMMIT_WORDS.search(clause) is not None
        for kind, pattern in _KINDS:
            if pattern.search(clause) and (count := _count(clause)) is not None:
                found.append((Rate(kind, count, count * per_week, written), committed))
                break
        else:
            amount = words.money(clause)
            if amount is None:
                continue
            if _BUDGET_WORDS.search(clause):
                found.append((Rate(ResourceKind.BUDGET, amount, amount * per_week, written), True))
            elif _SPEND_WORDS.search(clause):
                found.append((Rate(ResourceKind.BUDGET, amount, amount * per_week, written), committed))
    return found


def _per_week(clause: str) -> float | None:
    for factor, pattern in _PERIODS:
        if pattern.search(clause):
            return factor
    return None


def _count(clause: str) -> float | None:
    bare = _NOT_A_COUNT.sub(" ", clause)
    if m := _COUNT_ZH.search(bare):
        raw = m.group(1)
        return float(raw) if raw[0].isdigit() else words.zh_number(raw)
    if m := _COUNT_EN.search(bare):
        raw = m.group(1).lower()
        return float(raw) if raw[0].isdigit() else float(_EN_NUMBERS[raw])
    return None
