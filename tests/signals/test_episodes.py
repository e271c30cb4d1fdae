"""Cooldown and silences: pure functions over episodes and events."""

from __future__ import annotations

from fractions import Fraction

from steward.signals.episodes import (
    COOLDOWN,
    Episode,
    Event,
    EventKind,
    Silence,
    apply_cooldown,
    apply_silences,
    cooldown_frame,
    in_cooldown,
    shown_value,
)
from steward.signals.evaluate import backtest
from steward.signals.rules import parse_rules
from tests.signals.series import campaign_rows, campaigns, day


def episode(start: int, end: int, *, subject: str = "c1") -> Episode:
    return Episode("ctr-floor", "s1", subject, day(start), day(start), day(end), Fraction(1, 50))


def test_in_cooldown_counts_days_after_the_previous_end() -> None:
    assert in_cooldown(day(5), day(8), 3)
    assert not in_cooldown(day(5), day(9), 3)
    assert not in_cooldown(None, day(9), 3)
    assert not in_cooldown(day(5), day(7), 0)


def test_cooldown_suppresses_episodes_fired_too_soon() -> None:
    found = apply_cooldown(
        [episode(1, 2), episode(4, 4), episode(6, 6), episode(12, 13), episode(4, 5, subject="c2")], 3
    )
    assert [(e.subject, e.start.day, e.suppressed) for e in found] == [
        ("c1", 1, None),
        ("c1", 4, COOLDOWN),  # 2 days after the first ended
        ("c1", 6, None),  # 4 days after day 2: the suppressed one does not extend the cooldown
        ("c1", 12, None),
        ("c2", 4, None),  # another subject has its own cooldown
    ]


def test_backtest_applies_the_rules_cooldown() -> None:
    (rule,) = parse_rules(
        "- {id: low-roi, name: {zh: a, en: b}, scope: campaign, condition: 'roi < 1', cooldown_days: 2}"
    )
    frames = campaigns(
        campaign_rows([1, 2, 3, 4, 5, 6, 7], ["100"] * 7, ["50", "200", "50", "200", "200", "50", "50"])
    )
    found = backtest([rule], frames).episodes["low-roi"]
    assert found.select("fired", "suppressed").rows() == [(day(1), None), (day(3), COOLDOWN), (day(6), None)]
    assert cooldown_frame(found.drop("suppressed"), 0).get_column("suppressed").null_count() == 3


def test_silences_mark_what_they_cover() -> None:
    silence = Silence("ctr-floor", "s1", "c1", until=day(5), author="王芳", reason="主图已在改版")
    found = apply_silences(
        [episode(1, 2), episode(5, 5), episode(6, 7), episode(3, 3, subject="c2")], [silence]
    )
    assert [e.silenced for e in found] == [True, True, False, False]
    later = Silence("ctr-floor", "s1", "c1", starts=day(3), until=day(9))
    assert [e.silenced for e in apply_silences([episode(1, 2), episode(6, 7)], [later])] == [False, True]


def test_silences_mark_events_by_their_day() -> None:
    event = Event("roi-floor", "s1", "c1", day(4), EventKind.FIRED, day(2), day(4), day(4), Fraction(2))
    silence = Silence("roi-floor", "s1", "c1", until=day(4))
    assert apply_silences([event], [silence])[0].silenced
    assert not apply_silences([event], [Silence("roi-floor", "s1", "c1", until=day(3))])[0].silenced
    assert not apply_silences([event], [Silence("ctr-floor", "s1", "c1", until=day(9))])[0].silenced


def test_shown_values() -> None:
    (rule,) = parse_rules("- {id: r, name: {zh: a, en: b}, scope: campaign, condition: 'roi < 2.5'}")
    assert str(shown_value(rule, Fraction(25419, 10168))) == "2.4999"
    (money,) = parse_rules("- {id: r, name: {zh: a, en: b}, scope: campaign, condition: 'spend > 1'}")
    assert str(shown_value(money, Fraction(1_000_000, 100))) == "10000.00"
    assert shown_value(money, None) is None
