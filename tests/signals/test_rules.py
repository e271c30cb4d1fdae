"""The rule language: the default pack reads, and every mistake names the rule and the field."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from steward.signals.defaults import DEFAULT_RULE_IDS, default_rules
from steward.signals.metrics import Scope
from steward.signals.rules import (
    ActionKind,
    DeadlineMode,
    Meaning,
    RuleError,
    load_rules,
    parse_rules,
    with_overrides,
)

GOOD = """
- id: roi-watch
  name: {zh: 投产比, en: ROI}
  scope: campaign
  condition: {metric: roi, comparator: "<", threshold: floor}
  window: {meaning: consecutive, days: 3}
  guard: spend >= ¥100
  params: {floor: 2.5}
"""


def error_of(text: str) -> RuleError:
    with pytest.raises(RuleError) as caught:
        parse_rules(text)
    return caught.value


def test_default_pack_has_the_fixed_ids_and_meanings() -> None:
    rules = {rule.id: rule for rule in default_rules()}
    assert tuple(rules) == DEFAULT_RULE_IDS
    roi = rules["roi-floor"]
    assert (roi.scope, roi.window.meaning, roi.window.days) == (Scope.CAMPAIGN, Meaning.CONSECUTIVE, 3)
    assert roi.params["roi_floor"] == Fraction(5, 2)
    duty = next(a for a in roi.actions if a.kind is ActionKind.OPEN_DUTY)
    assert (duty.owner_role, duty.deadline and duty.deadline.mode) == ("agency_ads", DeadlineMode.HOURS)
    ctr = rules["ctr-floor"]
    assert (ctr.window.meaning, ctr.window.days, ctr.params["ctr_floor"]) == (
        Meaning.LAST,
        7,
        Fraction(1, 25),
    )
    ctr_duty = next(a for a in ctr.actions if a.kind is ActionKind.OPEN_DUTY)
    assert ctr_duty.deadline is not None and ctr_duty.deadline.mode is DeadlineMode.WORKING_DAYS
    assert rules["sku-daily-orders"].role == "hero" and rules["sku-daily-orders"].stockout_sensitive
    assert rules["stock-low"].role == "hero" and not rules["stock-low"].stockout_sensitive
    assert rules["bad-review-burst"].scope is Scope.SHOP
    assert rules["organic-drop"].conditions[0].change and rules["organic-drop"].history_days() == 14
    assert rules["spend-pace"].missing_params() == ["monthly_budget"]


def test_thresholds_are_exact_fractions() -> None:
    (rule,) = parse_rules(GOOD)
    assert rule.guards[0].threshold.literal == Fraction(100)
    (rule,) = parse_rules(GOOD.replace("floor: 2.5", "floor: '2.50'"))
    assert rule.params["floor"] == Fraction(5, 2)
    (rule,) = parse_rules(GOOD.replace("floor: 2.5", "floor: 0.1"))
    assert rule.params["floor"] == Fraction(1, 10)  # not 0.1000000000000000055…


def test_unknown_metric_names_rule_and_field() -> None:
    error = error_of(GOOD.replace("metric: roi", "metric: roii"))
    assert (error.rule, error.field) == ("roi-watch", "condition.metric")
    assert "roii" in str(error) and "roi-watch" in str(error)


def test_text_conditions_are_read_never_executed() -> None:
    error = error_of(
        GOOD.replace('{metric: roi, comparator: "<", threshold: floor}', "\"__import__('os') < 1\"")
    )
    assert (error.rule, error.field) == ("roi-watch", "condition")


def test_missing_window_n() -> None:
    error = error_of(GOOD.replace("{meaning: consecutive, days: 3}", "{meaning: consecutive}"))
    assert (error.rule, error.field) == ("roi-watch", "window.days")
    error = error_of(GOOD.replace("{meaning: consecutive, days: 3}", "each day for consecutive days"))
    assert (error.rule, error.field) == ("roi-watch", "window.days")
    assert "missing N" in error.problem
    error = error_of(GOOD.replace("{meaning: consecutive, days: 3}", "over the last days"))
    assert error.field == "window.days"


def test_window_meanings_are_stated_in_words() -> None:
    (rule,) = parse_rules(GOOD.replace("{meaning: consecutive, days: 3}", "each day for 3 consecutive days"))
    assert (rule.window.meaning, rule.window.days, rule.fire_after) == (Meaning.CONSECUTIVE, 3, 3)
    (rule,) = parse_rules(GOOD.replace("{meaning: consecutive, days: 3}", "over the last 7 days"))
    assert (rule.window.meaning, rule.window.days, rule.fire_after) == (Meaning.LAST, 7, 1)
    error = error_of(GOOD.replace("{meaning: consecutive, days: 3}", "for a while"))
    assert error.field == "window"


def test_bad_comparator() -> None:
    error = error_of(GOOD.replace('comparator: "<"', 'comparator: "=>"'))
    assert (error.rule, error.field) == ("roi-watch", "condition.comparator")
    error = error_of(GOOD.replace("guard: spend >= ¥100", "guard: spend => 100"))
    assert (error.rule, error.field) == ("roi-watch", "guard.comparator")


def test_unknown_field() -> None:
    error = error_of(GOOD + "  treshold: 3\n")
    assert (error.rule, error.field) == ("roi-watch", "treshold")
    error = error_of(GOOD.replace("threshold: floor", "threshold: floor, limit: 2"))
    assert (error.rule, error.field) == ("roi-watch", "condition.limit")


def test_unknown_parameter_and_bad_number() -> None:
    error = error_of(GOOD.replace("threshold: floor", "threshold: flor"))
    assert (error.rule, error.field) == ("roi-watch", "condition.threshold")
    assert "flor" in error.problem
    error = error_of(GOOD.replace("floor: 2.5", "floor: two"))
    assert error.field == "params.floor"


def test_structural_mistakes() -> None:
    assert error_of(GOOD.replace("  scope: campaign\n", "")).field == "scope"
    assert error_of(GOOD.replace("scope: campaign", "scope: store")).field == "scope"
    assert error_of(GOOD.replace("scope: campaign", "scope: campaign\n  role: hero")).field == "role"
    assert error_of(GOOD.replace("name: {zh: 投产比, en: ROI}", "name: {zh: 投产比}")).field == "name.en"
    assert error_of(GOOD + GOOD).field == "id"  # two rules with one id
    assert error_of("- [unclosed").rule == "(file)"
    no_id = error_of("- name: {zh: a, en: b}\n  scope: shop\n  condition: visitors < 1\n")
    assert (no_id.rule, no_id.field) == ("#1", "id")


def test_change_and_streak_do_not_mix() -> None:
    error = error_of(GOOD.replace('{metric: roi, comparator: "<", threshold: floor}', "change(spend) < -30%"))
    assert error.field == "condition.change"
    error = error_of(GOOD.replace('{metric: roi, comparator: "<", threshold: floor}', "change(roi) < -30%"))
    assert error.field == "condition.change"  # a change of a ratio is not defined


def test_actions_are_checked() -> None:
    bad_owner = GOOD + "  actions:\n    - open_duty: {owner: intern, within: 24h, title: {zh: a, en: b}}\n"
    assert error_of(bad_owner).field == "actions[0].open_duty.owner"
    bad_deadline = (
        GOOD + "  actions:\n    - open_duty: {owner: agency_ads, within: soon, title: {zh: a, en: b}}\n"
    )
    assert error_of(bad_deadline).field == "actions[0].open_duty.within"
    bad_channel = GOOD + "  actions:\n    - notify: {channels: [pigeon]}\n"
    assert error_of(bad_channel).field == "actions[0].notify.channels"
    (rule,) = parse_rules(
        GOOD
        + "  actions:\n    - open_duty: {owner: agency_ads, within: 2 working days, title: {zh: a, en: b},"
        " bar: {metric: roi, comparator: '>=', threshold: floor, days: 7}}\n"
    )
    assert rule.actions[0].deadline is not None and rule.actions[0].deadline.count == 2
    assert rule.actions[0].bar is not None and rule.actions[0].bar.threshold.param == "floor"


def test_engagement_overrides() -> None:
    rules = with_overrides(
        default_rules(), {"roi-floor": {"roi_floor": "2.0"}, "spend-pace": {"monthly_budget": "¥30,000"}}
    )
    by_id = {rule.id: rule for rule in rules}
    assert by_id["roi-floor"].params["roi_floor"] == 2
    assert by_id["spend-pace"].params["monthly_budget"] == 30_000 and not by_id["spend-pace"].missing_params()
    with pytest.raises(RuleError) as caught:
        with_overrides(default_rules(), {"roi-floor": {"roi_flor": 2}})
    assert (caught.value.rule, caught.value.field) == ("roi-floor", "params.roi_flor")
    with pytest.raises(RuleError):
        with_overrides(default_rules(), {"no-such-rule": {}})


def test_json_rule_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps(
            {
                "rules": [
                    {
                        "id": "few-visitors",
                        "name": {"zh": "访客少", "en": "Few visitors"},
                        "scope": "shop",
                        "condition": {"metric": "visitors", "comparator": "<", "threshold": 100},
                        "window": "over the last 7 days",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    (rule,) = load_rules(path)
    assert (rule.id, rule.window.days) == ("few-visitors", 7)
    with pytest.raises(RuleError):
        load_rules(tmp_path / "missing.yaml")
