"""The vectorised evaluator: rules over Polars frames, a few linear scans per rule.

Each scope's numbers become *day rows*, one per (shop, subject, date) — subject being the
campaign, the SKU, or nothing for shop rules — sorted by subject and day. Consecutive means
calendar days: a row *follows* the previous one only if it is the same subject's next day, so a
missing day breaks a run (``rle_id`` or ``ROWS n PRECEDING`` formulations get this wrong,
DESIGN.md).

- A run is a stretch of following rows on which the rule holds; its length on each row comes
  from a forward fill of the row where it started. Episodes are read off the rows where a run
  reaches the firing length and the rows where it ends: one scan, no ``.over()``, no Python
  per row.
- Over the last N days, sums come first, then ratios. A window sum is a prefix sum minus the
  prefix sum N rows back wherever the N−1 rows before are the N−1 calendar days before; the
  few rows near a gap or a subject's first days are corrected from their own window start
  (found from the key ``subject ordinal × 2²⁰ + day``, on which N calendar days are
  ``(_k − N, _k]``).
- Comparisons are exact: ``value OP p/q`` is ``numerator × q OP p × denominator × scale`` on
  integers, so ROI ¥254.20 ÷ ¥101.68 is not "below 2.5".
- A daily step evaluates one day only: its windows are sums per subject over the few recent
  rows, which needs no sort at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import polars as pl

from steward.signals.frames import CAMPAIGN_DAILY, SHOP_DAILY, SKU_DAILY, MetricFrames
from steward.signals.metrics import COVER_BASIS_DAYS, Formula, Scope
from steward.signals.rules import Comparator, Comparison, Rule, RuleError, Threshold

KEY = "_k"
FOLLOWS = "_follows"
ROW = "_row"
DAY_BITS = 20
# Dates become day numbers shifted into [0, 2²⁰) so subject ordinals never collide with days.
DAY_OFFSET = 1 << (DAY_BITS - 1)
HOLDS = "holds"
VALUE_NUM = "value_num"
VALUE_DEN = "value_den"
RUN_LENGTH = "_run_length"
RUN_END = "_run_end"
# Polars 2 streams by default; these scans are linear and stream well. Sorting is not.
ENGINE: Literal["streaming"] = "streaming"

# Per shop, per rule id, per parameter: an engagement's own thresholds.
ShopParams = Mapping[Any, Mapping[str, Mapping[str, object]]]


class DataProblem(ValueError):
    """Day rows the evaluator cannot use (duplicate days, missing keys)."""


def subject_keys(scope: Scope) -> list[str]:
    return ["shop"] if scope is Scope.SHOP else ["shop", "subject"]


# --- day rows ------------------------------------------------------------------------------------


def needed_columns(rules: Iterable[Rule]) -> dict[Scope, set[str]]:
    """The base columns each scope's day rows must carry for these rules."""
    needed: dict[Scope, set[str]] = {}
    for rule in rules:
        columns = needed.setdefault(rule.scope, set())
        for comparison in rule.comparisons:
            metric = rule.metric(comparison)
            columns.add(metric.numerator)
            if metric.denominator is not None:
                columns.add(metric.denominator)
        if rule.stockout_sensitive:
            columns.add("stock")
        if rule.role is not None:
            columns.add("role")
    return needed


def _int_columns(frame: pl.DataFrame | None, columns: Iterable[str]) -> list[pl.Expr]:
    present = set(frame.columns) if frame is not None else set()
    return [pl.col(c) if c in present else pl.lit(None, pl.Int64).alias(c) for c in columns]


def _bad_reviews(frames: MetricFrames, by: list[str]) -> pl.DataFrame | None:
    if frames.reviews is None:
        return None
    return frames.reviews.group_by([*by, "date"]).agg(
        pl.col("is_bad").cast(pl.Int64).sum().alias("bad_reviews")
    )


def day_rows(scope: Scope, frames: MetricFrames, columns: set[str], *, in_order: bool = True) -> pl.DataFrame:
    """One row per subject-day with ``columns`` (absent numbers are null), sorted by subject
    and date (``in_order``; a daily step only checks that no subject has two rows for a day)."""
    if scope is Scope.CAMPAIGN:
        source = frames.campaigns
        wanted = [c for c in CAMPAIGN_DAILY if c in columns]
        if source is None:
            rows = _empty(["shop", "subject"], wanted)
        else:
            rows = source.select(
                "shop", pl.col("campaign").alias("subject"), "date", *_int_columns(source, wanted)
            )
    elif scope is Scope.SKU:
        source = frames.skus
        wanted = [c for c in SKU_DAILY if c in columns]
        if source is None:
            rows = _empty(["shop", "subject"], wanted)
        else:
            rows = source.select(
                "shop", pl.col("sku").alias("subject"), "date", *_int_columns(source, wanted)
            )
        if "bad_reviews" in columns:
            reviews = _bad_reviews(frames, ["shop", "sku"])
            if reviews is None:
                rows = rows.with_columns(bad_reviews=pl.lit(0, pl.Int64))
            else:
                rows = rows.join(
                    reviews.rename({"sku": "subject"}),
                    on=["shop", "subject", "date"],
                    how="left",
                    maintain_order="left",
                ).with_columns(pl.col("bad_reviews").fill_null(0))
        if "role" in columns:
            rows = _with_roles(rows, frames.products)
    else:
        rows = _shop_rows(frames, columns)
    if in_order:
        return put_in_order(rows, scope)
    twice = rows.filter(pl.struct(*subject_keys(scope), "date").is_duplicated())
    if twice.height:
        raise DataProblem(f"two {scope} rows for the same day: {twice.row(0, named=True)}")
    return rows


def _empty(keys: list[str], columns: Iterable[str]) -> pl.DataFrame:
    schema: dict[str, Any] = dict.fromkeys(keys, pl.String)
    schema["date"] = pl.Date
    schema.update(dict.fromkeys(columns, pl.Int64))
    return pl.DataFrame(schema=schema)


def _with_roles(rows: pl.DataFrame, products: pl.DataFrame | None) -> pl.DataFrame:
    if products is None:
        return rows.with_columns(role=pl.lit(None, pl.String))
    roles = products.select("shop", pl.col("sku").alias("subject"), "role").unique(
        ["shop", "subject"], keep="last"
    )
    return rows.join(roles, on=["shop", "subject"], how="left", maintain_order="left")


def _shop_rows(frames: MetricFrames, columns: set[str]) -> pl.DataFrame:
    wanted = [c for c in SHOP_DAILY if c in columns]
    parts: list[pl.DataFrame] = []
    if frames.shop_daily is not None:
        parts.append(frames.shop_daily.select("shop", "date", *_int_columns(frames.shop_daily, wanted)))
    ads = {
        "ad_spend_fen": "spend_fen",
        "ad_revenue_fen": "revenue_fen",
        "ad_impressions": "impressions",
        "ad_clicks": "clicks",
    }
    wanted_ads = {name: source for name, source in ads.items() if name in columns}
    if wanted_ads and frames.campaigns is not None:
        campaigns = frames.campaigns
        # A day on which every campaign left a figure blank has no figure (null), not zero.
        parts.append(
            campaigns.lazy()
            .group_by("shop", "date")
            .agg(
                pl.when(pl.col(source).is_not_null().any())
                .then(pl.col(source).cast(pl.Int64).sum())
                .alias(name)
                if source in campaigns.columns
                else pl.lit(None, pl.Int64).alias(name)
                for name, source in wanted_ads.items()
            )
            .collect(engine=ENGINE)
        )
    if "bad_reviews" in columns:
        reviews = _bad_reviews(frames, ["shop"])
        if reviews is not None:
            parts.append(reviews)
    if not parts:
        rows = _empty(["shop"], [])
    else:
        rows = parts[0]
        for part in parts[1:]:
            rows = rows.join(part, on=["shop", "date"], how="full", coalesce=True)
    missing = [c for c in (*wanted, *wanted_ads, "bad_reviews") if c in columns and c not in rows.columns]
    rows = rows.with_columns(pl.lit(None, pl.Int64).alias(c) for c in missing)
    if "bad_reviews" in columns:
        rows = rows.with_columns(pl.col("bad_reviews").fill_null(0))
    return rows.with_columns(subject=pl.lit(None, pl.String)).sort("shop", "date")


def _in_order(keys: list[str]) -> pl.Expr:
    """Every row comes strictly after the one before in (keys…, date) order."""
    after = pl.col("date") > pl.col("date").shift(1)
    for key in reversed(keys):
        after = (pl.col(key) > pl.col(key).shift(1)) | ((pl.col(key) == pl.col(key).shift(1)) & after)
    return after.fill_null(True).all()


def put_in_order(rows: pl.DataFrame, scope: Scope) -> pl.DataFrame:
    """``rows`` sorted by subject and date (sorted only if they are not already: rows read by
    their natural key usually are), with at most one row per subject and day."""
    keys = subject_keys(scope)
    rows = rows.drop(KEY, strict=False)
    for column in (*keys, "date"):
        if rows.get_column(column).null_count():
            raise DataProblem(f"{rows.get_column(column).null_count()} {scope} day rows have no {column}")
    if rows.height and not rows.lazy().select(_in_order(keys)).collect(engine=ENGINE).item():
        rows = rows.sort([*keys, "date"])
        if not rows.lazy().select(_in_order(keys)).collect(engine=ENGINE).item():
            duplicated = rows.filter(pl.struct(*keys, "date").is_duplicated()).head(1).row(0, named=True)
            raise DataProblem(f"two {scope} rows for the same day: {duplicated}")
    return rows


_SAME_SUBJECT = pl.col("shop").eq_missing(pl.col("shop").shift(1)) & pl.col("subject").eq_missing(
    pl.col("subject").shift(1)
)
_DAY = pl.col("date").cast(pl.Int32)
# On rows in order: the previous row is this subject's previous calendar day.
_FOLLOWS = (_SAME_SUBJECT & (_DAY.shift(1) == _DAY - 1)).fill_null(False)
_KEY = (~_SAME_SUBJECT).cum_sum().cast(pl.Int64) * (1 << DAY_BITS) + _DAY.cast(pl.Int64) + DAY_OFFSET


# --- one rule ------------------------------------------------------------------------------------


@dataclass
class _Windows:
    """The window columns a rule needs, computed once and shared by its comparisons."""

    lengths: set[int] = field(default_factory=set)
    sums: set[tuple[str, int]] = field(default_factory=set)
    counts: set[tuple[str, int]] = field(default_factory=set)
    month_to_date: set[str] = field(default_factory=set)

    def sum(self, column: str, days: int) -> pl.Expr:
        if days == 1:
            return _int(column).fill_null(0)
        self.lengths.add(days)
        self.sums.add((column, days))
        return pl.col(f"_sum_{column}_{days}")

    def count(self, column: str, days: int) -> pl.Expr:
        """Days in the window on which ``column`` has a value."""
        if days == 1:
            return _int(column).is_not_null().cast(pl.Int64)
        self.lengths.add(days)
        self.counts.add((column, days))
        return pl.col(f"_count_{column}_{days}")

    def month_sum(self, column: str) -> pl.Expr:
        """The subject's sum of ``column`` from the first of the month to the day."""
        self.month_to_date.add(column)
        return pl.col(f"_mtd_{column}")

    def add_to(self, frame: pl.LazyFrame, nullable: set[str], only: dt.date | None = None) -> pl.LazyFrame:
        """``frame`` with a row number and the window sums and counts the rule asked for —
        on every row, or (``only``) on the rows of one day, all that a daily step needs.

        A window sum is a prefix sum minus the prefix sum N rows back — true wherever the N−1
        rows before are the N−1 calendar days before ("dense"). The rows near a gap or a
        subject's first days are then corrected one by one, from their own window start.
        """
        if only is not None:
            return self._on_one_day(frame, only)
        month = pl.col("date").dt.truncate("1mo")
        frame = frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(ROW))
        frame = frame.with_columns(
            _int(c).fill_null(0).cum_sum().over("shop", "subject", month).alias(f"_mtd_{c}")
            for c in self.month_to_date
        )
        if not self.lengths:
            return frame
        frame = frame.with_columns(_KEY.alias(KEY))
        summed = self._summed(nullable)
        prefixes = [values.cum_sum().alias(f"_prefix_{name}") for name, _, values in summed]
        naive: list[pl.Expr] = []
        for days in sorted(self.lengths):
            dense = (pl.col(KEY).shift(days - 1) == pl.col(KEY) - (days - 1)).fill_null(False)
            naive.append(dense.alias(f"_dense_{days}"))
            for name, span, _ in summed:
                if span == days:
                    prefix = pl.col(f"_prefix_{name}")
                    naive.append((prefix - prefix.shift(days).fill_null(0)).alias(name))
        rows = frame.with_columns(prefixes).with_columns(naive).collect(engine=ENGINE)
        key = rows.get_column(KEY)
        for days in sorted(self.lengths):
            near_gaps = (~rows.drop_in_place(f"_dense_{days}")).arg_true()
            before = _window_starts(key, near_gaps, days)
            for name, span, _ in summed:
                if span == days:
                    exact = _sum_back(rows.get_column(f"_prefix_{name}"), near_gaps, before)
                    # Taken out of the frame first so the scatter writes in place, not a copy.
                    rows = rows.with_columns(rows.drop_in_place(name).scatter(near_gaps, exact))
            everywhere = pl.repeat(days, rows.height, dtype=pl.Int64, eager=True)
            rows = rows.with_columns(
                everywhere.scatter(near_gaps, counted).alias(counted.name)
                for counted in self._row_counts(days, nullable, near_gaps, before)
            )
        return rows.lazy()

    def _on_one_day(self, frame: pl.LazyFrame, day: dt.date) -> pl.LazyFrame:
        """The rows of ``day`` with their windows, summed per subject over the recent rows —
        a daily step reads a few days of rows in no particular order, so no sort is needed."""
        keys = ["shop", "subject"]
        on_day = frame.filter(pl.col("date") == day)
        spans: dict[int, list[pl.Expr]] = {}
        for column, days in sorted(self.sums):
            spans.setdefault(days, []).append(_int(column).sum().alias(f"_sum_{column}_{days}"))
        for column, days in sorted(self.counts):
            spans.setdefault(days, []).append(
                _int(column).is_not_null().sum().alias(f"_count_{column}_{days}")
            )
        for days, sums in spans.items():
            window = frame.filter(pl.col("date") > day - dt.timedelta(days=days)).group_by(keys).agg(sums)
            on_day = on_day.join(window, on=keys, how="left", nulls_equal=True, maintain_order="left")
        if self.month_to_date:
            month = (
                frame.filter(pl.col("date") >= day.replace(day=1))
                .group_by(keys)
                .agg(_int(c).fill_null(0).sum().alias(f"_mtd_{c}") for c in sorted(self.month_to_date))
            )
            on_day = on_day.join(month, on=keys, how="left", nulls_equal=True, maintain_order="left")
        return on_day.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(ROW))

    def _summed(self, nullable: set[str]) -> list[tuple[str, int, pl.Expr]]:
        summed = [(f"_sum_{c}_{days}", days, _int(c).fill_null(0)) for c, days in sorted(self.sums)]
        summed += [
            (f"_count_{c}_{days}", days, _int(c).is_not_null().cast(pl.Int64))
            for c, days in sorted(self.counts)
            if c in nullable
        ]
        return summed

    def _row_counts(self, days: int, nullable: set[str], at: pl.Series, before: pl.Series) -> list[pl.Series]:
        """Counts of columns that are never null: the number of rows in the window."""
        columns = sorted(c for c, span in self.counts if span == days and c not in nullable)
        return [(at.cast(pl.Int64) - before).alias(f"_count_{c}_{days}") for c in columns]


def _window_starts(key: pl.Series, rows: pl.Series, days: int) -> pl.Series:
    """For each of ``rows`` (indices), the row just before its window of ``days`` calendar
    days (−1: none)."""
    at = rows.cast(pl.Int64)
    own = key.gather(rows)
    inside = pl.zeros(len(rows), dtype=pl.Int64, eager=True)
    # Each calendar day is one row, so a window of N days holds at most the N−1 rows before.
    for back in range(1, days):
        earlier = at - back
        inside += ((earlier >= 0) & (key.gather(earlier.clip(0)) > own - days)).cast(pl.Int64)
    return at - inside - 1


def _sum_back(prefix: pl.Series, rows: pl.Series, before: pl.Series) -> pl.Series:
    """Window sums of ``rows`` from a prefix sum and each window's start."""
    return prefix.gather(rows) - prefix.gather(before.clip(0)) * (before >= 0).cast(pl.Int64)


def _int(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Int64)


@dataclass(frozen=True)
class _Value:
    numerator: pl.Expr
    denominator: pl.Expr
    defined: pl.Expr
    scale: int


def _value(rule: Rule, comparison: Comparison, windows: _Windows, params: _Params) -> _Value:
    metric = rule.metric(comparison)
    days = rule.summed_days
    one = pl.lit(1, pl.Int64)
    if metric.formula is Formula.LEVEL:
        level = _int(metric.numerator)
        return _Value(level, one, level.is_not_null(), metric.scale)
    if metric.formula is Formula.COVER:
        assert metric.denominator is not None  # the catalogue defines it
        sold = windows.sum(metric.denominator, COVER_BASIS_DAYS)
        selling_days = windows.count(metric.denominator, COVER_BASIS_DAYS)
        stock = _int(metric.numerator)
        return _Value(stock * selling_days, sold, stock.is_not_null() & (sold > 0), metric.scale)
    if metric.formula is Formula.PACE:
        budget_p, budget_q = params.fraction(metric.needs[0])
        month_to_date = windows.month_sum(metric.numerator)
        day_of_month = pl.col("date").dt.day().cast(pl.Int64)
        days_in_month = pl.col("date").dt.month_end().dt.day().cast(pl.Int64)
        # The budget's pace to date in fen is budget × 100 × day ÷ days in month; both sides are
        # multiplied by budget_q × days_in_month to stay in integers.
        pace = budget_p * 100 * day_of_month
        numerator = month_to_date * budget_q * days_in_month - pace
        return _Value(numerator, pace, pace > 0, 1)
    if comparison.change:
        current = windows.sum(metric.numerator, days)
        both = windows.sum(metric.numerator, 2 * days)
        previous = both - current
        # A change needs both periods whole: a missing day would look like a drop.
        covered = (windows.count(metric.numerator, days) == days) & (
            windows.count(metric.numerator, 2 * days) == 2 * days
        )
        return _Value(current - previous, previous, covered & (previous > 0), 1)
    if days == 1:
        numerator = _int(metric.numerator)
        if metric.denominator is None:
            return _Value(numerator, one, numerator.is_not_null(), metric.scale)
        denominator = _int(metric.denominator)
        return _Value(numerator, denominator, numerator.is_not_null() & (denominator > 0), metric.scale)
    numerator = windows.sum(metric.numerator, days)
    present = windows.count(metric.numerator, days) > 0
    if metric.denominator is None:
        return _Value(numerator, one, present, metric.scale)
    denominator = windows.sum(metric.denominator, days)
    return _Value(numerator, denominator, present & (denominator > 0), metric.scale)


_COMPARE = {
    Comparator.LT: lambda a, b: a < b,
    Comparator.LE: lambda a, b: a <= b,
    Comparator.GT: lambda a, b: a > b,
    Comparator.GE: lambda a, b: a >= b,
    Comparator.EQ: lambda a, b: a == b,
    Comparator.NE: lambda a, b: a != b,
}


class _Params:
    """A rule's parameters as expressions: literals, or per-shop columns where overridden."""

    def __init__(self, rule: Rule, overridden: set[str]) -> None:
        self.rule = rule
        self.overridden = overridden

    def fraction(self, name: str) -> tuple[pl.Expr, pl.Expr]:
        default = self.rule.params[name]
        p = pl.lit(None if default is None else default.numerator, pl.Int64)
        q = pl.lit(None if default is None else default.denominator, pl.Int64)
        if name in self.overridden:
            chosen = pl.col(f"_o_{name}")
            return pl.when(chosen).then(pl.col(f"_p_{name}")).otherwise(p), pl.when(chosen).then(
                pl.col(f"_q_{name}")
            ).otherwise(q)
        return p, q

    def threshold(self, threshold: Threshold) -> tuple[pl.Expr, pl.Expr]:
        if threshold.param is not None:
            return self.fraction(threshold.param)
        assert threshold.literal is not None  # the reader sets one of the two
        return pl.lit(threshold.literal.numerator, pl.Int64), pl.lit(threshold.literal.denominator, pl.Int64)


def _shop_params(rule: Rule, overrides: ShopParams | None) -> pl.DataFrame | None:
    """One row per overriding shop: ``_o_/_p_/_q_<param>`` (overridden? and the value as p/q)."""
    if not overrides:
        return None
    rows: list[dict[str, Any]] = []
    for shop, by_rule in overrides.items():
        if rule.id not in by_rule:
            continue
        own = rule.with_params(by_rule[rule.id]).params
        row: dict[str, Any] = {"shop": shop}
        for name in rule.params:
            chosen = name in by_rule[rule.id]
            value = own[name]
            row[f"_o_{name}"] = chosen
            row[f"_p_{name}"] = None if value is None else value.numerator
            row[f"_q_{name}"] = None if value is None else value.denominator
        rows.append(row)
    if not rows:
        return None
    schema: dict[str, Any] = {}
    for name in rule.params:
        schema.update({f"_o_{name}": pl.Boolean, f"_p_{name}": pl.Int64, f"_q_{name}": pl.Int64})
    return pl.DataFrame(rows, schema_overrides=schema, infer_schema_length=None)


def rule_days(
    rule: Rule, rows: pl.DataFrame, overrides: ShopParams | None = None, *, only: dt.date | None = None
) -> pl.LazyFrame:
    """Every subject-day of ``rows`` (the day rows of the rule's scope, in order) with ``holds`` — the
    condition and the guards hold, the metric is defined, and the SKU is not out of stock for a
    sales rule — and the watched metric's value as ``value_num / value_den`` (÷ the unit's scale)."""
    frame = rows.lazy()
    if rule.role is not None:
        frame = frame.filter(pl.col("role") == rule.role)
    per_shop = _shop_params(rule, overrides)
    overridden: set[str] = set()
    if per_shop is not None:
        overridden = {name for name in rule.params if per_shop.get_column(f"_o_{name}").any()}
        frame = frame.join(per_shop.lazy(), on="shop", how="left", maintain_order="left").with_columns(
            pl.col(f"_o_{name}").fill_null(False) for name in rule.params
        )
    params = _Params(rule, overridden)
    windows = _Windows()
    tests: list[pl.Expr] = []
    watched: _Value | None = None
    for comparison in rule.comparisons:
        value = _value(rule, comparison, windows, params)
        p, q = params.threshold(comparison.threshold)
        compare = _COMPARE[comparison.comparator]
        tests.append(value.defined & compare(value.numerator * q, p * value.denominator * value.scale))
        if watched is None:
            watched = value
    assert watched is not None  # a rule has at least one condition
    holds = pl.all_horizontal(tests).fill_null(False)
    if rule.stockout_sensitive:
        holds = holds & (pl.col("stock") != 0).fill_null(True)
    frame = windows.add_to(frame, {c for c in rows.columns if rows.get_column(c).null_count()}, only)
    return frame.select(
        "shop",
        "subject",
        "date",
        *([_FOLLOWS.alias(FOLLOWS)] if only is None else []),
        ROW,
        holds.alias(HOLDS),
        pl.when(watched.defined).then(watched.numerator).alias(VALUE_NUM),
        pl.when(watched.defined).then(watched.denominator * watched.scale).alias(VALUE_DEN),
    )


def with_runs(days: pl.LazyFrame) -> pl.LazyFrame:
    """Add each row's run length (consecutive holding days up to it) and whether a run ends."""
    holds = pl.col(HOLDS)
    continues = holds & holds.shift(1).fill_null(False) & pl.col(FOLLOWS)
    return (
        days.with_columns(continues.alias("_continues"))
        .with_columns(
            pl.when(holds & ~pl.col("_continues")).then(pl.col(ROW)).forward_fill().alias("_run_start"),
            (holds & ~pl.col("_continues").shift(-1).fill_null(False)).alias(RUN_END),
        )
        .with_columns(
            pl.when(holds).then(pl.col(ROW) - pl.col("_run_start") + 1).otherwise(0).alias(RUN_LENGTH)
        )
    )


EPISODE_COLUMNS = ("rule", "shop", "subject", "start", "fired", "end", VALUE_NUM, VALUE_DEN)


def rule_episodes(rule: Rule, rows: pl.DataFrame, overrides: ShopParams | None = None) -> pl.DataFrame:
    """Every episode of one rule: runs that held for ``rule.fire_after`` days.

    ``start`` is the first day of the run, ``fired`` the day it reached the length (the third
    day for a 3-day streak), ``end`` the last day it held, and the value that of the fired day.
    """
    return runs_and_episodes(rule, rows, overrides)[1]


def runs_and_episodes(
    rule: Rule, rows: pl.DataFrame, overrides: ShopParams | None = None, *, open_on: dt.date | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The runs still holding on ``open_on`` (shop, subject, run length) and every episode,
    from one scan of the history."""
    fire_after = rule.fire_after
    length = pl.col(RUN_LENGTH)
    marking = (length == fire_after) | (pl.col(RUN_END) & (length >= fire_after))
    open_now = (pl.col("date") == open_on) & pl.col(HOLDS) if open_on is not None else pl.lit(False)
    marks = (
        with_runs(rule_days(rule, rows, overrides))
        .filter(marking | open_now)
        .select(
            "shop",
            "subject",
            "date",
            RUN_LENGTH,
            RUN_END,
            VALUE_NUM,
            VALUE_DEN,
            marking.alias("_episode"),
            open_now.alias("_open"),
        )
        .collect(engine=ENGINE)
    )
    open_runs = marks.filter(pl.col("_open")).select("shop", "subject", RUN_LENGTH)
    marks = marks.filter(pl.col("_episode"))
    # Runs are contiguous, so the n-th firing row and the n-th long-enough end belong together.
    fired = marks.filter(length == fire_after)
    ends = marks.filter(pl.col(RUN_END)).get_column("date")
    episodes = fired.select(
        pl.lit(rule.id).alias("rule"),
        "shop",
        "subject",
        (pl.col("date") - pl.duration(days=fire_after - 1)).alias("start"),
        pl.col("date").alias("fired"),
        ends.alias("end"),
        VALUE_NUM,
        VALUE_DEN,
    )
    return open_runs, episodes


# --- a pack of rules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    """A rule that was not evaluated, and why."""

    rule: str
    reason: str


def skip_reason(rule: Rule, overrides: ShopParams | None = None) -> str | None:
    missing = rule.missing_params()
    if not missing:
        return None
    if overrides and any(
        all(by_rule.get(rule.id, {}).get(name) is not None for name in missing)
        for by_rule in overrides.values()
    ):
        return None  # some shops have their own value; the others simply never hold
    names = ", ".join(missing)
    return f"not evaluated: parameter {names} has no value (set it in the rule file or the engagement)"


@dataclass
class DayRows:
    """The day rows of each scope, built once for a pack of rules (sorted unless ``in_order``
    is false, as for a daily step)."""

    frames: MetricFrames
    columns: dict[Scope, set[str]]
    in_order: bool = True
    built: dict[Scope, pl.DataFrame] = field(default_factory=dict)

    def __getitem__(self, scope: Scope) -> pl.DataFrame:
        if scope not in self.built:
            columns = self.columns.get(scope, set())
            self.built[scope] = day_rows(scope, self.frames, columns, in_order=self.in_order)
        return self.built[scope]


@dataclass(frozen=True)
class Backtest:
    """Episodes per rule id (frames with ``EPISODE_COLUMNS`` and ``suppressed``), and skips."""

    rules: dict[str, Rule]
    episodes: dict[str, pl.DataFrame]
    skipped: list[Skipped]


def backtest(
    rules: Sequence[Rule],
    frames: MetricFrames,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    overrides: ShopParams | None = None,
) -> Backtest:
    """Evaluate ``rules`` over the whole history and list their episodes.

    Numbers after ``last`` are not read; episodes that fired before ``first`` are left out (the
    days before ``first`` still count for windows and streaks). Cooldown marks episodes as
    ``suppressed = 'cooldown'``; stock-out days never let a sales rule hold.
    """
    from steward.signals.episodes import cooldown_frame

    if last is not None:
        frames = frames.through(last)
    skipped = [Skipped(rule.id, reason) for rule in rules if (reason := skip_reason(rule, overrides))]
    live = [rule for rule in rules if rule.id not in {s.rule for s in skipped}]
    rows = DayRows(frames, needed_columns(live))
    episodes: dict[str, pl.DataFrame] = {}
    for rule in live:
        # Cooldown first: an episode before ``first`` can still silence one after it.
        found = cooldown_frame(rule_episodes(rule, rows[rule.scope], overrides), rule.cooldown_days)
        if first is not None:
            found = found.filter(pl.col("fired") >= first)
        episodes[rule.id] = found
    return Backtest({rule.id: rule for rule in rules}, episodes, skipped)


def rules_by_id(rules: Sequence[Rule]) -> dict[str, Rule]:
    found: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in found:
            raise RuleError(rule.id, "id", "two rules have this id")
        found[rule.id] = rule
    return found


# --- stock status -------------------------------------------------------------------------------


def stock_status(frames: MetricFrames, *, warning_days: Fraction | int = 7) -> pl.DataFrame:
    """Three-level stock status of every SKU-day: ``out`` (stock 0), ``warning`` (fewer days
    of cover than ``warning_days`` at the last week's selling rate), ``safe`` otherwise."""
    rows = day_rows(Scope.SKU, frames, {"stock", "units"})
    windows = _Windows()
    sold = windows.sum("units", COVER_BASIS_DAYS)
    stock_by_days = pl.col("stock").cast(pl.Int64) * windows.count("units", COVER_BASIS_DAYS)
    limit = Fraction(warning_days)
    frame = windows.add_to(rows.lazy(), {c for c in rows.columns if rows.get_column(c).null_count()})
    return frame.select(
        "shop",
        pl.col("subject").alias("sku"),
        "date",
        "stock",
        pl.when(sold > 0).then(stock_by_days / sold).alias("days_of_cover"),
        pl.when(pl.col("stock").is_null())
        .then(None)
        .when(pl.col("stock") <= 0)
        .then(pl.lit("out"))
        .when((sold > 0) & (stock_by_days * limit.denominator < sold * limit.numerator))
        .then(pl.lit("warning"))
        .otherwise(pl.lit("safe"))
        .alias("status"),
    ).collect(engine=ENGINE)
