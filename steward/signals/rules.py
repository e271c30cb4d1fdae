"""The rule language: rules are data (YAML or JSON), read safely into frozen dataclasses.

Nothing in a rule file is ever executed. Each field is checked against what it may hold, and a
mistake is reported as ``rule 'roi-floor', field 'window.days': …`` so the person who wrote the
rule can find it. A rule file looks like ``defaults.py``; the fields are:

- ``id``, ``name: {zh, en}``, ``scope: shop | campaign | sku``, ``role`` (SKU rules only);
- ``condition``: one comparison or a list (all must hold), either ``"roi < roi_floor"`` or
  ``{metric, comparator, threshold, change: previous_period}``;
- ``window``: ``each day for N consecutive days`` or ``over the last N days`` (also as
  ``{meaning: consecutive | last, days: N}``); without one the rule is a one-day condition;
- ``guard``: minimum-volume comparisons over the same day or window (``"impressions >= 1000"``);
- ``params``: named thresholds an engagement may override (``roi_floor: 2.5``);
- ``lag_days`` (default 1: evaluate yesterday's settled numbers), ``severity``,
  ``cooldown_days``, ``actions``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

import yaml

from steward.signals.metrics import CATALOGUE, COVER_BASIS_DAYS, PACE_HISTORY_DAYS, Formula, Metric, Scope
from steward.signals.values import ValueProblem, exact_fraction

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_RULE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


class RuleError(ValueError):
    """A rule that cannot be used, naming the rule and the field at fault."""

    def __init__(self, rule: str, field_name: str, problem: str) -> None:
        self.rule = rule
        self.field = field_name
        self.problem = problem
        super().__init__(f"rule {rule!r}, field {field_name!r}: {problem}")


class Comparator(StrEnum):
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    EQ = "=="
    NE = "!="


_COMPARATOR_SPELLINGS = {"≤": "<=", "≥": ">=", "=": "==", "≠": "!="}


class Meaning(StrEnum):
    DAY = "day"  # a one-day condition
    CONSECUTIVE = "consecutive"  # each day for N consecutive calendar days
    LAST = "last"  # over the last N calendar days: sums first, then ratios


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


class ActionKind(StrEnum):
    OPEN_DUTY = "open_duty"
    NOTIFY = "notify"
    REQUEST_APPROVAL = "request_approval"
    RECOMMEND_PAUSE = "recommend_pause"


class DeadlineMode(StrEnum):  # the same words as the duties' CountMode
    HOURS = "hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


# The people a duty can be given to (accounts.Role) and where a notice can go (notifications).
OWNER_ROLES = (
    "merchant_owner",
    "merchant_staff",
    "agency_lead",
    "agency_supervisor",
    "agency_operations",
    "agency_ads",
    "agency_service",
    "agency_design",
)
CHANNELS = ("inbox", "email", "wecom", "dingtalk", "feishu")
PAUSE_TARGETS = ("campaign", "promotion")
# What a duty's acceptance bar can measure (duties.Metric).
BAR_METRICS = (
    "visitors",
    "gmv",
    "conversion",
    "aov",
    "refund_rate",
    "ctr",
    "roi",
    "ad_spend",
    "first_response_s",
)
ROLE_SPELLINGS = {
    "hero": "hero",
    "traffic": "traffic",
    "profit": "profit",
    "long_tail": "long_tail",
    "long-tail": "long_tail",
}


@dataclass(frozen=True)
class Threshold:
    """A literal number, or the name of one of the rule's parameters."""

    literal: Fraction | None = None
    param: str | None = None

    def text(self) -> str:
        return self.param if self.param is not None else str(self.literal)


@dataclass(frozen=True)
class Comparison:
    metric: str
    comparator: Comparator
    threshold: Threshold
    # Compare the change against the previous period of the same length (-0.3 = 30% lower)
    # instead of the metric itself.
    change: bool = False

    def text(self) -> str:
        subject = f"change({self.metric})" if self.change else self.metric
        return f"{subject} {self.comparator} {self.threshold.text()}"


@dataclass(frozen=True)
class Window:
    meaning: Meaning = Meaning.DAY
    days: int = 1

    def text(self) -> str:
        if self.meaning is Meaning.CONSECUTIVE:
            return f"each day for {self.days} consecutive days"
        if self.meaning is Meaning.LAST:
            return f"over the last {self.days} days"
        return "on one day"


@dataclass(frozen=True)
class Deadline:
    count: int
    mode: DeadlineMode


@dataclass(frozen=True)
class AcceptanceBar:
    """A measurable bar for the duty, in the duties' own metric words."""

    metric: str
    comparator: Comparator
    threshold: Threshold
    days: int = 7


@dataclass(frozen=True)
class Action:
    """What a firing does; the app carries it out, the engine only keeps it as data."""

    kind: ActionKind
    title_zh: str = ""
    title_en: str = ""
    owner_role: str | None = None
    deadline: Deadline | None = None
    acceptance_zh: str = ""
    acceptance_en: str = ""
    bar: AcceptanceBar | None = None
    channels: tuple[str, ...] = ()
    target: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    name_zh: str
    name_en: str
    scope: Scope
    conditions: tuple[Comparison, ...]
    window: Window = Window()
    guards: tuple[Comparison, ...] = ()
    role: str | None = None
    params: Mapping[str, Fraction | None] = field(default_factory=dict, hash=False)
    lag_days: int = 1
    severity: Severity = Severity.WARNING
    cooldown_days: int = 0
    actions: tuple[Action, ...] = ()

    @property
    def comparisons(self) -> tuple[Comparison, ...]:
        return self.conditions + self.guards

    @property
    def fire_after(self) -> int:
        """Days the condition must hold before the rule fires: N for a streak, else 1."""
        return self.window.days if self.window.meaning is Meaning.CONSECUTIVE else 1

    @property
    def summed_days(self) -> int:
        """Calendar days that windowed sums cover (1 unless ``over the last N days``)."""
        return self.window.days if self.window.meaning is Meaning.LAST else 1

    def metric(self, comparison: Comparison) -> Metric:
        return CATALOGUE[self.scope][comparison.metric]

    @property
    def watched(self) -> Metric:
        """The metric whose value an episode reports: the first condition's."""
        return self.metric(self.conditions[0])

    def history_days(self) -> int:
        """Calendar days up to and including the evaluated day that one day's evaluation reads."""
        days = 1
        for comparison in self.comparisons:
            formula = self.metric(comparison).formula
            span = self.summed_days * (2 if comparison.change else 1)
            if formula is Formula.COVER:
                span = max(span, COVER_BASIS_DAYS)
            elif formula is Formula.PACE:
                span = max(span, PACE_HISTORY_DAYS)
            days = max(days, span)
        return days

    @property
    def stockout_sensitive(self) -> bool:
        """A SKU rule about sales or conversion: silenced on the SKU's stock-out days."""
        return self.scope is Scope.SKU and any(self.metric(c).sales for c in self.conditions)

    def threshold(self, threshold: Threshold) -> Fraction | None:
        return threshold.literal if threshold.param is None else self.params[threshold.param]

    def missing_params(self) -> list[str]:
        """Parameters the rule needs that have no value: such a rule is not evaluated."""
        needed: dict[str, None] = {}
        for comparison in self.comparisons:
            if comparison.threshold.param is not None:
                needed[comparison.threshold.param] = None
            for name in self.metric(comparison).needs:
                needed[name] = None
        return [name for name in needed if self.params.get(name) is None]

    def with_params(self, overrides: Mapping[str, object]) -> Rule:
        """The rule with some parameters overridden (an engagement's own thresholds)."""
        params = dict(self.params)
        for name, value in overrides.items():
            if name not in params:
                known = ", ".join(sorted(params)) or "none"
                raise RuleError(self.id, f"params.{name}", f"unknown parameter (this rule has: {known})")
            params[name] = _param_value(self.id, f"params.{name}", value)
        return replace(self, params=params)

    def settled_through(self, today: dt.date) -> dt.date:
        """The last day whose numbers are settled enough to evaluate on ``today``."""
        return today - dt.timedelta(days=self.lag_days)


# --- reading -------------------------------------------------------------------------------------

T = TypeVar("T")


def _param_value(rule: str, where: str, value: object) -> Fraction | None:
    if value is None:
        return None
    try:
        return exact_fraction(value)
    except ValueProblem as exc:
        raise RuleError(rule, where, str(exc)) from None


class _Reader:
    """Reads one rule's mapping, remembering the rule id for every error."""

    def __init__(self, rule: str) -> None:
        self.rule = rule

    def fail(self, where: str, problem: str) -> RuleError:
        return RuleError(self.rule, where, problem)

    def mapping(self, value: object, where: str, allowed: Iterable[str]) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, f"expected a mapping, got {value!r}")
        allowed = tuple(allowed)
        for key in value:
            if key not in allowed:
                prefix = f"{where}." if where else ""
                raise self.fail(f"{prefix}{key}", f"unknown field (known: {', '.join(allowed)})")
        return dict(value)

    def text(self, value: object, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"expected text, got {value!r}")
        return value.strip()

    def whole(self, value: object, where: str, *, least: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, f"expected a whole number, got {value!r}")
        if value < least:
            raise self.fail(where, f"must be at least {least}, got {value}")
        return value

    def choice(
        self, value: object, where: str, choices: Mapping[str, T] | Callable[[str], T], names: Sequence[str]
    ) -> T:
        if isinstance(value, str):
            key = value.strip()
            if isinstance(choices, Mapping):
                if key in choices:
                    return choices[key]
            else:
                try:
                    return choices(key)
                except ValueError:
                    pass
        raise self.fail(where, f"{value!r} is not one of: {', '.join(names)}")

    def names(self, value: object, where: str) -> tuple[str, str]:
        names = self.mapping(value, where, ("zh", "en"))
        for lang in ("zh", "en"):
            if lang not in names:
                raise self.fail(f"{where}.{lang}", "missing")
        return self.text(names["zh"], f"{where}.zh"), self.text(names["en"], f"{where}.en")


_COMPARISON_TEXT = re.compile(
    r"\s*(change\(\s*(?P<changed>\w+)\s*\)|(?P<metric>\w+))\s*(?P<op>[<>=!≤≥≠]+)\s*(?P<threshold>.+?)\s*"
)


def _comparison(
    reader: _Reader, raw: object, where: str, scope: Scope, params: Mapping[str, Fraction | None]
) -> Comparison:
    if isinstance(raw, str):
        match = _COMPARISON_TEXT.fullmatch(raw)
        if match is None:
            raise reader.fail(
                where, f"cannot read {raw!r}: write 'metric comparator threshold', e.g. 'roi < 2.5'"
            )
        spec: dict[str, Any] = {
            "metric": match["changed"] or match["metric"],
            "comparator": match["op"],
            "threshold": match["threshold"],
        }
        if match["changed"]:
            spec["change"] = "previous_period"
    else:
        spec = reader.mapping(raw, where, ("metric", "comparator", "threshold", "change"))
    for key in ("metric", "comparator", "threshold"):
        if key not in spec:
            raise reader.fail(f"{where}.{key}", "missing")
    catalogue = CATALOGUE[scope]
    name = spec["metric"]
    if not isinstance(name, str) or name not in catalogue:
        raise reader.fail(
            f"{where}.metric", f"unknown metric {name!r} for scope {scope} (known: {', '.join(catalogue)})"
        )
    metric = catalogue[name]
    op = spec["comparator"]
    op = _COMPARATOR_SPELLINGS.get(op, op) if isinstance(op, str) else op
    comparator = reader.choice(op, f"{where}.comparator", Comparator, [c.value for c in Comparator])
    change = False
    if "change" in spec:
        if spec["change"] != "previous_period":
            raise reader.fail(f"{where}.change", f"{spec['change']!r}: the only change is 'previous_period'")
        if not metric.summable:
            raise reader.fail(f"{where}.change", f"change is defined for summed counts and money, not {name}")
        change = True
    for needed in metric.needs:
        if needed not in params:
            raise reader.fail("params", f"metric {name} needs the parameter {needed!r} (it may be null)")
    return Comparison(
        name, comparator, _threshold(reader, spec["threshold"], f"{where}.threshold", params), change
    )


def _threshold(reader: _Reader, raw: object, where: str, params: Mapping[str, Fraction | None]) -> Threshold:
    if isinstance(raw, str) and _IDENTIFIER.fullmatch(raw.strip()):
        name = raw.strip()
        if name not in params:
            known = ", ".join(sorted(params)) or "none"
            raise reader.fail(where, f"unknown parameter {name!r} (parameters: {known})")
        return Threshold(param=name)
    try:
        return Threshold(literal=exact_fraction(raw))
    except ValueProblem as exc:
        raise reader.fail(where, str(exc)) from None


def _comparisons(
    reader: _Reader, raw: object, where: str, scope: Scope, params: Mapping[str, Fraction | None]
) -> tuple[Comparison, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise reader.fail(where, "empty")
    if len(items) == 1:
        return (_comparison(reader, items[0], where, scope, params),)
    return tuple(_comparison(reader, item, f"{where}[{i}]", scope, params) for i, item in enumerate(items))


_CONSECUTIVE = re.compile(r"each day for\s*(?P<days>\S*)\s*consecutive days?", re.IGNORECASE)
_LAST = re.compile(r"over the last\s*(?P<days>\S*)\s*days?", re.IGNORECASE)
_ONE_DAY = ("day", "one day", "on one day")


def _window(reader: _Reader, raw: object) -> Window:
    if raw is None:
        return Window()
    if isinstance(raw, str):
        text = raw.strip()
        if text.lower() in _ONE_DAY:
            return Window()
        for pattern, meaning in ((_CONSECUTIVE, Meaning.CONSECUTIVE), (_LAST, Meaning.LAST)):
            match = pattern.fullmatch(text)
            if match is not None:
                if not match["days"]:
                    raise reader.fail("window.days", f"missing N in {text!r}")
                if not match["days"].isdigit():
                    raise reader.fail("window.days", f"{match['days']!r} is not a number of days")
                return Window(meaning, reader.whole(int(match["days"]), "window.days", least=1))
        raise reader.fail(
            "window", f"{text!r}: write 'each day for N consecutive days' or 'over the last N days'"
        )
    spec = reader.mapping(raw, "window", ("meaning", "days"))
    if "meaning" not in spec:
        raise reader.fail("window.meaning", "missing: 'consecutive' or 'last'")
    meaning = reader.choice(
        spec["meaning"],
        "window.meaning",
        {"consecutive": Meaning.CONSECUTIVE, "last": Meaning.LAST, "day": Meaning.DAY},
        ["consecutive", "last", "day"],
    )
    if meaning is Meaning.DAY:
        return Window()
    if "days" not in spec:
        raise reader.fail("window.days", f"missing N for the '{meaning}' window")
    return Window(meaning, reader.whole(spec["days"], "window.days", least=1))


_DEADLINE = re.compile(
    r"(?P<count>\d+)\s*(?:(?P<hours>h|hours?|小时)|(?P<working>working days?|个?工作日)|(?P<days>days?|天|日))"
)


def _deadline(reader: _Reader, raw: object, where: str) -> Deadline:
    match = _DEADLINE.fullmatch(str(raw).strip()) if isinstance(raw, str | int) else None
    if match is None:
        raise reader.fail(where, f"{raw!r}: write e.g. '24 hours', '2 working days' or '3 days'")
    mode = (
        DeadlineMode.HOURS
        if match["hours"]
        else DeadlineMode.WORKING_DAYS
        if match["working"]
        else DeadlineMode.CALENDAR_DAYS
    )
    return Deadline(reader.whole(int(match["count"]), where, least=1), mode)


def _action(reader: _Reader, raw: object, where: str, params: Mapping[str, Fraction | None]) -> Action:
    kinds = [k.value for k in ActionKind]
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise reader.fail(
            where,
            f"expected one of {', '.join(kinds)} with its fields, e.g. '- notify: {{channels: [inbox]}}'",
        )
    ((kind_name, body),) = raw.items()
    kind = reader.choice(kind_name, where, ActionKind, kinds)
    where = f"{where}.{kind}"
    allowed = {
        ActionKind.OPEN_DUTY: ("title", "owner", "within", "acceptance", "bar"),
        ActionKind.NOTIFY: ("channels", "title"),
        ActionKind.REQUEST_APPROVAL: ("title", "within"),
        ActionKind.RECOMMEND_PAUSE: ("target", "title"),
    }[kind]
    spec = reader.mapping(body if body is not None else {}, where, allowed)
    title = reader.names(spec["title"], f"{where}.title") if "title" in spec else ("", "")
    acceptance = reader.names(spec["acceptance"], f"{where}.acceptance") if "acceptance" in spec else ("", "")
    action = Action(
        kind, title_zh=title[0], title_en=title[1], acceptance_zh=acceptance[0], acceptance_en=acceptance[1]
    )
    if kind is ActionKind.OPEN_DUTY:
        for required in ("title", "owner", "within"):
            if required not in spec:
                raise reader.fail(f"{where}.{required}", "missing")
    if "owner" in spec:
        action = replace(
            action,
            owner_role=reader.choice(
                spec["owner"], f"{where}.owner", {r: r for r in OWNER_ROLES}, OWNER_ROLES
            ),
        )
    if "within" in spec:
        action = replace(action, deadline=_deadline(reader, spec["within"], f"{where}.within"))
    if "bar" in spec:
        bar = reader.mapping(spec["bar"], f"{where}.bar", ("metric", "comparator", "threshold", "days"))
        for required in ("metric", "comparator", "threshold"):
            if required not in bar:
                raise reader.fail(f"{where}.bar.{required}", "missing")
        action = replace(
            action,
            bar=AcceptanceBar(
                reader.choice(bar["metric"], f"{where}.bar.metric", {m: m for m in BAR_METRICS}, BAR_METRICS),
                reader.choice(
                    bar["comparator"], f"{where}.bar.comparator", Comparator, [c.value for c in Comparator]
                ),
                _threshold(reader, bar["threshold"], f"{where}.bar.threshold", params),
                reader.whole(bar.get("days", 7), f"{where}.bar.days", least=1),
            ),
        )
    if kind is ActionKind.NOTIFY:
        channels = spec.get("channels")
        if not isinstance(channels, list) or not channels:
            raise reader.fail(f"{where}.channels", f"expected a list of: {', '.join(CHANNELS)}")
        action = replace(
            action,
            channels=tuple(
                reader.choice(c, f"{where}.channels", {c: c for c in CHANNELS}, CHANNELS) for c in channels
            ),
        )
    if kind is ActionKind.RECOMMEND_PAUSE:
        if "target" not in spec:
            raise reader.fail(f"{where}.target", f"missing: one of {', '.join(PAUSE_TARGETS)}")
        action = replace(
            action,
            target=reader.choice(
                spec["target"], f"{where}.target", {t: t for t in PAUSE_TARGETS}, PAUSE_TARGETS
            ),
        )
    return action


_RULE_FIELDS = (
    "id",
    "name",
    "scope",
    "role",
    "condition",
    "window",
    "guard",
    "params",
    "lag_days",
    "severity",
    "cooldown_days",
    "actions",
)


def _rule(raw: object, position: int) -> Rule:
    label = f"#{position + 1}"
    if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
        label = raw["id"]
    reader = _Reader(label)
    spec = reader.mapping(raw, "", _RULE_FIELDS)
    for required in ("id", "name", "scope", "condition"):
        if required not in spec:
            raise reader.fail(required, "missing")
    rule_id = reader.text(spec["id"], "id")
    if not _RULE_ID.fullmatch(rule_id):
        raise reader.fail("id", f"{rule_id!r}: use lower-case letters, digits and '-'")
    name_zh, name_en = reader.names(spec["name"], "name")
    scope = reader.choice(spec["scope"], "scope", Scope, [s.value for s in Scope])
    role = None
    if spec.get("role") is not None:
        if scope is not Scope.SKU:
            raise reader.fail("role", "only SKU rules can be limited to a product role")
        role = reader.choice(spec["role"], "role", ROLE_SPELLINGS, list(ROLE_SPELLINGS))
    params: dict[str, Fraction | None] = {}
    raw_params = spec.get("params") or {}
    if not isinstance(raw_params, Mapping):
        raise reader.fail("params", f"expected a mapping of names to numbers, got {raw_params!r}")
    for name, value in raw_params.items():
        if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
            raise reader.fail(f"params.{name}", "a parameter name is lower-case letters, digits and '_'")
        params[name] = _param_value(rule_id, f"params.{name}", value)
    window = _window(reader, spec.get("window"))
    conditions = _comparisons(reader, spec["condition"], "condition", scope, params)
    guards = (
        _comparisons(reader, spec["guard"], "guard", scope, params) if spec.get("guard") is not None else ()
    )
    for where, comparison in [("condition", c) for c in conditions] + [("guard", g) for g in guards]:
        if comparison.change and window.meaning is Meaning.CONSECUTIVE:
            raise reader.fail(
                f"{where}.change",
                "a change is measured over 'over the last N days' (or one day), not a streak",
            )
    actions_raw = spec.get("actions") or []
    if not isinstance(actions_raw, list):
        raise reader.fail("actions", "expected a list")
    return Rule(
        id=rule_id,
        name_zh=name_zh,
        name_en=name_en,
        scope=scope,
        conditions=conditions,
        window=window,
        guards=guards,
        role=role,
        params=params,
        lag_days=reader.whole(spec.get("lag_days", 1), "lag_days", least=0),
        severity=reader.choice(
            spec.get("severity", "warning"), "severity", Severity, [s.value for s in Severity]
        ),
        cooldown_days=reader.whole(spec.get("cooldown_days", 0), "cooldown_days", least=0),
        actions=tuple(_action(reader, a, f"actions[{i}]", params) for i, a in enumerate(actions_raw)),
    )


def rules_from_data(data: object) -> list[Rule]:
    """Rules from already-parsed YAML/JSON: a list of rules, or ``{rules: [...]}``."""
    if isinstance(data, Mapping) and set(data) == {"rules"}:
        data = data["rules"]
    if not isinstance(data, list):
        raise RuleError("(file)", "rules", "expected a list of rules (or a mapping with one key, 'rules')")
    rules = [_rule(raw, i) for i, raw in enumerate(data)]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleError(rule.id, "id", "two rules have this id")
        seen.add(rule.id)
    return rules


def parse_rules(text: str, *, json_text: bool = False) -> list[Rule]:
    """Rules from the text of a YAML (or JSON) rule file."""
    try:
        data = json.loads(text) if json_text else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise RuleError("(file)", "(syntax)", " ".join(str(exc).split())) from None
    return rules_from_data(data)


def load_rules(path: Path) -> list[Rule]:
    """Rules from a ``.yaml``/``.yml`` or ``.json`` file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError("(file)", str(path), f"cannot read the rule file: {exc}") from None
    return parse_rules(text, json_text=path.suffix.lower() == ".json")


def with_overrides(rules: Sequence[Rule], overrides: Mapping[str, Mapping[str, object]]) -> list[Rule]:
    """Each rule with the parameters an engagement overrides, by rule id."""
    known = {rule.id for rule in rules}
    for rule_id in overrides:
        if rule_id not in known:
            raise RuleError(rule_id, "id", "overrides name a rule that is not in the pack")
    return [rule.with_params(overrides.get(rule.id, {})) for rule in rules]
